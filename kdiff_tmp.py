import re,difflib,sys
from annotations.linguistic.formats import toolbox
data=open('../shared/data/toolbox/kakabe.txt','rb').read()
w=[]
texts=toolbox.loads(data,warnings=w)
print('warnings',len(w))
b="".join(toolbox.dumps(texts))
a=data.decode().replace('\r\n','\n')
def norm(t):
    out=[]
    for l in t.split('\n'):
        if not l.strip(): continue
        l=re.sub(r'\s+',' ',l).rstrip()
        l=re.sub(r'(?<= )([-=]) (?=\S)', r'\1', l)
        out.append(l)
    return out
A,B=norm(a),norm(b)
d=[x for x in difflib.unified_diff(A,B,lineterm='',n=0) if x[:1] in '+-' and x[:3] not in ('---','+++')]
print(len(d))
print("\n".join(d[:int(sys.argv[1])]))
mk=texts[0].metadata['toolbox']['markers']
back=toolbox.loads(b.encode(), markers=mk)
def strip(ts):
    for t in ts: t.metadata.pop('toolbox',None)
    return ts
print(strip(back)==strip(texts))
for a,b_ in zip(texts,back):
    if a.metadata!=b_.metadata: print('meta',a.metadata, b_.metadata)
    for u,v in zip(a.utterances,b_.utterances):
        if u!=v:
            du,dv=u.to_doc(),v.to_doc()
            for k in set(du)|set(dv):
                if du.get(k)!=dv.get(k): print(k, du.get(k), '\n  ', dv.get(k))
            break
