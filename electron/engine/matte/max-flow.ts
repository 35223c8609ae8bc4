/**
 * Minimum s–t cut by Dinic's algorithm (level graph by BFS, blocking flow by an iterative DFS with
 * current-arc pointers), on a graph given arc by arc. Sized for the part selection's working grid
 * (≤ ~100 k nodes, ~4 arcs each): no library in npm is both maintained and permissively licensed
 * for this, and the grid graph is simple enough to own.
 */
export class MaxFlow {
  private readonly head: Int32Array;
  private to: Int32Array;
  private next: Int32Array;
  private cap: Float64Array;
  private arcs = 0;

  constructor(
    readonly nodes: number,
    expectedArcs = nodes * 8,
  ) {
    this.head = new Int32Array(nodes).fill(-1);
    this.to = new Int32Array(expectedArcs);
    this.next = new Int32Array(expectedArcs);
    this.cap = new Float64Array(expectedArcs);
  }

  /** An arc a→b with capacity `ab` and its reverse b→a with capacity `ba` (0 for a directed arc). */
  addEdge(a: number, b: number, ab: number, ba: number): void {
    if (this.arcs + 2 > this.to.length) this.grow();
    this.push(a, b, ab);
    this.push(b, a, ba);
  }

  private push(from: number, to: number, cap: number): void {
    const e = this.arcs++;
    this.to[e] = to;
    this.cap[e] = cap;
    this.next[e] = this.head[from]!;
    this.head[from] = e;
  }

  private grow(): void {
    const size = this.to.length * 2 + 16;
    const to = new Int32Array(size);
    const next = new Int32Array(size);
    const cap = new Float64Array(size);
    to.set(this.to);
    next.set(this.next);
    cap.set(this.cap);
    this.to = to;
    this.next = next;
    this.cap = cap;
  }

  /**
   * Runs the flow from `s` to `t` and returns, per node, whether it is on the source side of a
   * minimum cut (reachable from s in the residual graph).
   */
  minCut(s: number, t: number): Uint8Array {
    const n = this.nodes;
    const level = new Int32Array(n);
    const queue = new Int32Array(n);
    const current = new Int32Array(n);
    const stack = new Int32Array(n);
    const via = new Int32Array(n);
    const eps = 1e-9;
    for (;;) {
      // Levels from s over arcs with room left.
      level.fill(-1);
      level[s] = 0;
      let qh = 0;
      let qt = 0;
      queue[qt++] = s;
      while (qh < qt) {
        const u = queue[qh++]!;
        for (let e = this.head[u]!; e >= 0; e = this.next[e]!) {
          const v = this.to[e]!;
          if (level[v]! < 0 && this.cap[e]! > eps) {
            level[v] = level[u]! + 1;
            queue[qt++] = v;
          }
        }
      }
      if (level[t]! < 0) break;
      current.set(this.head);
      // Blocking flow: walk s→t along level-increasing arcs, push the bottleneck, retreat at dead ends.
      let depth = 0;
      stack[0] = s;
      while (depth >= 0) {
        const u = stack[depth]!;
        if (u === t) {
          let flow = Infinity;
          for (let k = 0; k < depth; k++) flow = Math.min(flow, this.cap[via[k]!]!);
          let back = depth;
          for (let k = 0; k < depth; k++) {
            const e = via[k]!;
            this.cap[e]! -= flow;
            this.cap[e ^ 1]! += flow;
            if (this.cap[e]! <= eps && k < back) back = k;
          }
          depth = back;
          continue;
        }
        let e = current[u]!;
        for (; e >= 0; e = this.next[e]!) {
          const v = this.to[e]!;
          if (this.cap[e]! > eps && level[v] === level[u]! + 1) break;
        }
        current[u] = e;
        if (e >= 0) {
          via[depth] = e;
          stack[++depth] = this.to[e]!;
        } else {
          level[u] = -1; // a dead end for this phase
          depth--;
          if (depth >= 0) current[stack[depth]!] = this.next[current[stack[depth]!]!]!;
        }
      }
    }
    const side = new Uint8Array(n);
    for (let i = 0; i < n; i++) side[i] = level[i]! >= 0 ? 1 : 0;
    // level[] of the last BFS is exactly the residual reachability from s.
    return side;
  }
}
