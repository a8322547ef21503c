import re
from annotations.linguistic.formats import toolbox
data=open('../shared/data/toolbox/kakabe.txt','rb').read()
w=[]
texts=toolbox.loads(data,warnings=w)
out="".join(toolbox.dumps(texts)).encode()
from tests.formats.sfm_count import fields, split_records
GL={"ge","gr","gf","gn","ps"}
def norm_records(b):
    recs=split_records(fields(b), {"ref","id"})
    res=[]
    for r in recs:
        lines=[]
        for m,v,n in r:
            if m in GL:
                v=" ".join(t.strip('-=') for t in v.split() if t.strip('-='))
            else:
                v=re.sub(r'\s+',' ',v).strip()
                v=re.sub(r'(?:^| )([-=]) (?=\S)', lambda mo: (' ' if mo.group(0).startswith(' ') else '')+mo.group(1), v)
            lines.append((m,v))
        res.append((r[0][2], r[-1][2], lines))
    return res
A=norm_records(data); B=norm_records(out)
print(len(A),len(B))
warned=set(p.line for p in w)
bad=0
for (s,e,a),(_,_,b) in zip(A,B):
    if a!=b:
        hit=any(s<=l<=e for l in warned)
        if not hit:
            bad+=1
            if bad<6:
                print(s, [x for x in a if x not in b][:4], [x for x in b if x not in a][:4])
print('bad',bad)
