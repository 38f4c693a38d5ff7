// A word diff of two texts: removed words struck through, added words marked (semantic <del>/<ins>, so
// screen readers announce them too).
import { diffWordsWithSpace } from "diff";

/** Shows how `before` became `after`. */
export function DiffView({ before, after }: { before: string; after: string }) {
  const parts = diffWordsWithSpace(before, after);
  return (
    <p class="diff">
      {parts.map((p, i) =>
        p.added ? (
          <ins key={i}>{p.value}</ins>
        ) : p.removed ? (
          <del key={i}>{p.value}</del>
        ) : (
          <span key={i}>{p.value}</span>
        ),
      )}
    </p>
  );
}
