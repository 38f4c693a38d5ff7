// The native stage-A training step of src/cr (model.ts + lm-step.ts + tensor/adam.ts): forward, backward,
// global-norm clipping and AdamW over a flat parameter array, the batch split over threads (each thread
// runs whole sequences and keeps its own weight gradients; they are summed at the end).
// Compiled with -O3 -mavx2 -mfma; called only through cr-addon.cpp after its CPU check.
#include <cmath>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "cr-ops.h"

using namespace crn;

namespace {

struct Dims {
  int L, D, H, F, V, B, T, threads;
};

// Flat parameter layout (same order as src/cr/native-step.ts): wte [V,D], shift [D,D], lnf [D], then per
// layer ln1 [D], wqkv [D,3D], wo [D,D], ln2 [D], w1 [D,F], w2 [F,D].
struct Layout {
  long wte, shift, lnf, layer0, per, ln1, wqkv, wo, ln2, w1, w2, total;
  explicit Layout(const Dims& d) {
    const long D = d.D, F = d.F, V = d.V;
    wte = 0;
    shift = V * D;
    lnf = shift + D * D;
    layer0 = lnf + D;
    ln1 = 0;
    wqkv = D;
    wo = wqkv + 3 * D * D;
    ln2 = wo + D * D;
    w1 = ln2 + D;
    w2 = w1 + D * F;
    per = w2 + F * D;
    total = layer0 + d.L * per;
  }
};

struct Inputs {
  const int32_t* ids;
  const uint8_t* mask;
  const float* cos;
  const float* sin;
  const float* tgt;
};

struct Work {
  std::vector<float> buf, pk;
};

// Forward + backward of sequences [b0, b1); adds the weight gradients into g; returns the partial loss.
double runRange(const Dims& d, const Layout& lo, const float* P, const Inputs& in, int b0, int b1, float* g,
                Work& w) {
  const int D = d.D, H = d.H, F = d.F, V = d.V, T = d.T, L = d.L, dh = D / H, half = dh / 2;
  const int nb = b1 - b0, R = nb * T;
  const long RD = (long)R * D, RF = (long)R * F, TT = (long)T * T;
  const long perLayer = 5 * RD + 2L * R + 3 * RD + (long)nb * H * TT + 2 * RF;
  const long total = 2 * RD + L * perLayer + 3 * RD + R + (long)R * V + 4 * RD + 3 * RD + RF + TT;
  if ((long)w.buf.size() < total) w.buf.resize(total);
  float* cur = w.buf.data();
  auto take = [&](long n) {
    float* p = cur;
    cur += n;
    return p;
  };
  float* x = take(RD);
  float* prev = take(RD);
  struct Act {
    float *hin, *r1, *a, *qkv, *P, *y, *hmid, *r2, *bn, *u, *f;
  };
  std::vector<Act> act(L);
  for (auto& A : act) {
    A.hin = take(RD);
    A.r1 = take(R);
    A.a = take(RD);
    A.qkv = take(3 * RD);
    A.P = take((long)nb * H * TT);
    A.y = take(RD);
    A.hmid = take(RD);
    A.r2 = take(R);
    A.bn = take(RD);
    A.u = take(RF);
    A.f = take(RF);
  }
  float* hL = take(RD);
  float* rf = take(R);
  float* hf = take(RD);
  float* z = take((long)R * V);
  float* dh_ = take(RD);
  float* dt = take(RD);
  float* dhf = take(RD);
  float* dqkv = take(3 * RD);
  float* df = take(RF);
  float* dP = take(TT);
  const int32_t* ids = in.ids + (long)b0 * T;
  const uint8_t* mask = in.mask + (long)b0 * TT;
  const float* cs = in.cos + (long)b0 * T * half;
  const float* sn = in.sin + (long)b0 * T * half;
  const float* wte = P + lo.wte;
  const float* shift = P + lo.shift;
  const float sq = std::sqrt((float)D), scale = 1.f / std::sqrt((float)dh);
  const long D3 = 3L * D;
  auto& pk = w.pk;

  // embeddings (× √D), token shift h = x + prev(x)·shift (prev_t = x_{t−1} where mask[t][t−1])
  for (int r = 0; r < R; r++)
    for (int j = 0; j < D; j++) x[(long)r * D + j] = wte[(long)ids[r] * D + j] * sq;
  for (int r = 0; r < R; r++) {
    const int t = r % T, b = r / T;
    const bool on = t > 0 && mask[(long)b * TT + (long)t * T + t - 1];
    for (int j = 0; j < D; j++) prev[(long)r * D + j] = on ? x[(long)(r - 1) * D + j] : 0.f;
  }
  std::copy(x, x + RD, act[0].hin);
  gemm(R, D, D, prev, D, 1, shift, D, 1, act[0].hin, D, true, pk);

  for (int l = 0; l < L; l++) {
    const float* W = P + lo.layer0 + l * lo.per;
    Act& A = act[l];
    rmsFwd(R, D, A.hin, W + lo.ln1, A.a, A.r1);
    gemm(R, (int)D3, D, A.a, D, 1, W + lo.wqkv, D3, 1, A.qkv, D3, false, pk);
    for (int r = 0; r < R; r++)
      for (int h = 0; h < H; h++)
        for (int s = 0; s < 2; s++)
          rope(A.qkv + r * D3 + s * D + h * dh, cs + (long)r * half, sn + (long)r * half, half);
    for (int b = 0; b < nb; b++)
      for (int h = 0; h < H; h++) {
        const float* q = A.qkv + (long)b * T * D3 + h * dh;
        float* p = A.P + ((long)b * H + h) * TT;
        gemm(T, T, dh, q, D3, 1, q + D, 1, D3, p, T, false, pk);  // Q·Kᵀ
        for (int t = 0; t < T; t++) softmaxRow(p + (long)t * T, mask + (long)b * TT + (long)t * T, T, scale);
        gemm(T, dh, T, p, T, 1, q + 2 * D, D3, 1, A.y + (long)b * T * D + h * dh, D, false, pk);  // P·V
      }
    std::copy(A.hin, A.hin + RD, A.hmid);
    gemm(R, D, D, A.y, D, 1, W + lo.wo, D, 1, A.hmid, D, true, pk);
    rmsFwd(R, D, A.hmid, W + lo.ln2, A.bn, A.r2);
    gemm(R, F, D, A.bn, D, 1, W + lo.w1, F, 1, A.u, F, false, pk);
    geluFwd(RF, A.u, A.f);
    float* hout = l + 1 < L ? act[l + 1].hin : hL;
    std::copy(A.hmid, A.hmid + RD, hout);
    gemm(R, D, F, A.f, F, 1, W + lo.w2, D, 1, hout, D, true, pk);
  }
  rmsFwd(R, D, hL, P + lo.lnf, hf, rf);
  gemm(R, V, D, hf, D, 1, wte, 1, D, z, V, false, pk);  // logits = hf·wteᵀ
  const double loss = ceRows(R, V, z, in.tgt + (long)b0 * T * V);

  // backward: z now holds dlogits
  gemm(V, D, R, z, 1, V, hf, D, 1, g + lo.wte, D, true, pk);  // dwte += dzᵀ·hf
  gemm(R, D, V, z, V, 1, wte, D, 1, dhf, D, false, pk);      // dhf = dz·wte
  std::fill(dh_, dh_ + RD, 0.f);
  rmsBwd(R, D, hL, rf, P + lo.lnf, dhf, dh_, g + lo.lnf);
  for (int l = L - 1; l >= 0; l--) {
    const float* W = P + lo.layer0 + l * lo.per;
    float* G = g + lo.layer0 + l * lo.per;
    Act& A = act[l];
    // MLP: h_out = hmid + gelu(bn·w1)·w2
    gemm(R, F, D, dh_, D, 1, W + lo.w2, 1, D, df, F, false, pk);  // df = dh·w2ᵀ
    gemm(F, D, R, A.f, 1, F, dh_, D, 1, G + lo.w2, D, true, pk);  // dw2 += fᵀ·dh
    geluBwd(RF, A.u, df);
    gemm(R, D, F, df, F, 1, W + lo.w1, 1, F, dt, D, false, pk);    // dbn = du·w1ᵀ
    gemm(D, F, R, A.bn, 1, D, df, F, 1, G + lo.w1, F, true, pk);  // dw1 += bnᵀ·du
    rmsBwd(R, D, A.hmid, A.r2, W + lo.ln2, dt, dh_, G + lo.ln2);
    // attention: hmid = hin + y·wo
    gemm(R, D, D, dh_, D, 1, W + lo.wo, 1, D, dt, D, false, pk);  // dy = dh·woᵀ
    gemm(D, D, R, A.y, 1, D, dh_, D, 1, G + lo.wo, D, true, pk);  // dwo += yᵀ·dh
    for (int b = 0; b < nb; b++)
      for (int h = 0; h < H; h++) {
        const float* q = A.qkv + (long)b * T * D3 + h * dh;
        const float* p = A.P + ((long)b * H + h) * TT;
        const float* dO = dt + (long)b * T * D + h * dh;
        float* dq = dqkv + (long)b * T * D3 + h * dh;
        gemm(T, T, dh, dO, D, 1, q + 2 * D, 1, D3, dP, T, false, pk);      // dP = dO·Vᵀ
        gemm(T, dh, T, p, 1, T, dO, D, 1, dq + 2 * D, D3, false, pk);      // dV = Pᵀ·dO
        for (int t = 0; t < T; t++)
          softmaxBackRow(p + (long)t * T, dP + (long)t * T, mask + (long)b * TT + (long)t * T, T, scale);
        gemm(T, dh, T, dP, T, 1, q + D, D3, 1, dq, D3, false, pk);         // dQ = dS·K
        gemm(T, dh, T, dP, 1, T, q, D3, 1, dq + D, D3, false, pk);         // dK = dSᵀ·Q
      }
    for (int r = 0; r < R; r++)
      for (int h = 0; h < H; h++)
        for (int s = 0; s < 2; s++)
          ropeBack(dqkv + r * D3 + s * D + h * dh, cs + (long)r * half, sn + (long)r * half, half);
    gemm(R, D, (int)D3, dqkv, D3, 1, W + lo.wqkv, 1, D3, dt, D, false, pk);  // da = dqkv·wqkvᵀ
    gemm(D, (int)D3, R, A.a, 1, D, dqkv, D3, 1, G + lo.wqkv, D3, true, pk);  // dwqkv += aᵀ·dqkv
    rmsBwd(R, D, A.hin, A.r1, W + lo.ln1, dt, dh_, G + lo.ln1);
  }
  // token shift and embeddings: dshift += prevᵀ·dh; dprev = dh·shiftᵀ flows to x_{t−1}; dx = dh + that
  gemm(D, D, R, prev, 1, D, dh_, D, 1, g + lo.shift, D, true, pk);
  gemm(R, D, D, dh_, D, 1, shift, 1, D, dt, D, false, pk);
  for (int r = 0; r < R; r++) {
    const int t = r % T, b = r / T;
    if (t > 0 && mask[(long)b * TT + (long)t * T + t - 1])
      for (int j = 0; j < D; j++) dh_[(long)(r - 1) * D + j] += dt[(long)r * D + j];
  }
  for (int r = 0; r < R; r++)
    for (int j = 0; j < D; j++) g[lo.wte + (long)ids[r] * D + j] += dh_[(long)r * D + j] * sq;
  return loss;
}

// The workspaces below are shared: one step at a time per process (Node worker threads could call in parallel).
std::mutex busy;

// Sequences per work chunk. Threads take chunks from a shared counter, so a core slowed by another process
// does less of the batch instead of holding the step back; each chunk has its own gradient buffer, summed in
// chunk order, so the result does not depend on which thread ran what.
constexpr int CHUNK = 4;

// Loss and gradient of the whole batch into g, over d.threads threads.
double lossGrad(const Dims& d, const float* P, const Inputs& in, float* g) {
  static std::vector<Work> works;
  static std::vector<std::vector<float>> grads;
  const Layout lo(d);
  const int n = std::max(1, std::min(d.threads, d.B));
  const int chunks = (d.B + CHUNK - 1) / CHUNK;
  if ((int)works.size() < n) works.resize(n);
  if ((int)grads.size() < chunks) grads.resize(chunks);
  std::vector<double> loss(chunks, 0.0);
  std::atomic<int> next{0};
  auto worker = [&](int i) {
    for (int c; (c = next.fetch_add(1)) < chunks;) {
      float* gc = c == 0 ? g : (grads[c].assign(lo.total, 0.f), grads[c].data());
      if (c == 0) std::fill(g, g + lo.total, 0.f);
      loss[c] = runRange(d, lo, P, in, c * CHUNK, std::min(d.B, (c + 1) * CHUNK), gc, works[i]);
    }
  };
  std::vector<std::thread> ts;
  for (int i = 1; i < n; i++) ts.emplace_back(worker, i);
  worker(0);
  for (auto& t : ts) t.join();
  double sum = loss[0];
  for (int c = 1; c < chunks; c++) {
    sum += loss[c];
    const float* gc = grads[c].data();
    for (long k = 0; k < lo.total; k++) g[k] += gc[k];
  }
  return sum;
}

Dims dimsOf(const int32_t* a) { return Dims{a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]}; }

}  // namespace

extern "C" long cr_param_count(const int32_t* dims) { return Layout(dimsOf(dims)).total; }

extern "C" double cr_loss_grad(const int32_t* dims, const float* params, const int32_t* ids, const uint8_t* mask,
                               const float* cos, const float* sin, const float* tgt, float* grad) {
  std::lock_guard<std::mutex> lock(busy);
  return lossGrad(dimsOf(dims), params, Inputs{ids, mask, cos, sin, tgt}, grad);
}

// hyper: lr (with bias correction 1), c2 = 1/(1−b2^t), clip, b1, b2, eps, wd. out: loss, gradient norm.
extern "C" void cr_step(const int32_t* dims, float* params, float* m, float* v, const int32_t* ids,
                        const uint8_t* mask, const float* cos, const float* sin, const float* tgt,
                        const double* hyper, double* out) {
  std::lock_guard<std::mutex> lock(busy);
  static std::vector<float> g;
  const Dims d = dimsOf(dims);
  const Layout lo(d);
  if ((long)g.size() < lo.total) g.resize(lo.total);
  const double loss = lossGrad(d, params, Inputs{ids, mask, cos, sin, tgt}, g.data());
  double ss = 0;
  for (long k = 0; k < lo.total; k++) ss += (double)g[k] * g[k];
  const float gn = (float)std::sqrt(ss);
  const float lr = (float)hyper[0], c2 = (float)hyper[1], clip = (float)hyper[2];
  const float b1 = (float)hyper[3], b2 = (float)hyper[4], eps = (float)hyper[5], wd = (float)hyper[6];
  const float sc = std::min(clip / (gn + 1e-6f), 1.f);
  const float decay = lr * -wd + 1.f;
  // 1-D leaves (the norm gains) are not decayed, as adam.ts does for ndim < 2
  auto update = [&](long off, long n, bool dec) {
    for (long k = off; k < off + n; k++) {
      const float gi = g[k] * sc;
      const float mi = m[k] * b1 + gi * (1.f - b1);
      const float vi = v[k] * b2 + gi * gi * (1.f - b2);
      const float upd = mi / (std::sqrt(vi * c2) + eps);
      params[k] = (dec ? params[k] * decay : params[k]) - upd * lr;
      m[k] = mi;
      v[k] = vi;
    }
  };
  const long D = d.D;
  update(lo.wte, lo.lnf, true);  // wte and shift
  update(lo.lnf, D, false);
  for (int l = 0; l < d.L; l++) {
    const long base = lo.layer0 + l * lo.per;
    update(base + lo.ln1, D, false);
    update(base + lo.wqkv, lo.ln2 - lo.wqkv, true);  // wqkv, wo
    update(base + lo.ln2, D, false);
    update(base + lo.w1, lo.per - lo.w1, true);  // w1, w2
  }
  out[0] = loss;
  out[1] = gn;
}
