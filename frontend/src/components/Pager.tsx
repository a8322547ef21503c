interface PagerProps {
  page: number;
  hasPrevious: boolean;
  hasNext: boolean;
  count: number;
  onPage: (page: number) => void;
}

export function Pager({ page, hasPrevious, hasNext, count, onPage }: PagerProps) {
  if (!hasPrevious && !hasNext) return null;
  return (
    <nav className="pager" aria-label="Pages">
      <button
        type="button"
        className="button-secondary"
        disabled={!hasPrevious}
        onClick={() => onPage(page - 1)}
      >
        Previous
      </button>
      <span>
        Page {page} · {count} in all
      </span>
      <button
        type="button"
        className="button-secondary"
        disabled={!hasNext}
        onClick={() => onPage(page + 1)}
      >
        Next
      </button>
    </nav>
  );
}
