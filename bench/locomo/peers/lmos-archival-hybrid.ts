// lmos archival search with the bench's embedder (BM25 side fused with vectors by RRF); skipped when the
// run serves no embedder (--embeddings-url).
import { lmosArchivalPeer } from "./lmos-archival.ts";

export default lmosArchivalPeer(true);
