// Row-wise ops of the native stage-A step (RMSNorm, RoPE, masked softmax, tanh-GELU, log-softmax CE),
// forward and backward, with the exact semantics of src/cr/model.ts and lm-step.ts.
#pragma once
#include <cmath>

#include "cr-gemm.h"

namespace crn {

/** y = x · (mean(x²) + 1e-5)^-½ · g per row; keeps the reciprocal RMS per row for the backward. */
static void rmsFwd(int R, int D, const float* x, const float* g, float* y, float* rs) {
  for (int r = 0; r < R; r++) {
    const float* xr = x + (long)r * D;
    float ss = 0.f;
    for (int j = 0; j < D; j++) ss += xr[j] * xr[j];
    const float inv = 1.f / std::sqrt(ss / D + 1e-5f);
    rs[r] = inv;
    float* yr = y + (long)r * D;
    for (int j = 0; j < D; j++) yr[j] = xr[j] * inv * g[j];
  }
}

/** dx += ∂/∂x, dg += ∂/∂g of the RMSNorm above, given dy. */
static void rmsBwd(int R, int D, const float* x, const float* rs, const float* g, const float* dy, float* dx,
                   float* dg) {
  for (int r = 0; r < R; r++) {
    const float* xr = x + (long)r * D;
    const float* dr = dy + (long)r * D;
    float* o = dx + (long)r * D;
    const float inv = rs[r];
    float s = 0.f;
    for (int j = 0; j < D; j++) s += g[j] * dr[j] * xr[j];
    const float coef = inv * inv * inv * s / D;
    for (int j = 0; j < D; j++) {
      o[j] += inv * g[j] * dr[j] - xr[j] * coef;
      dg[j] += dr[j] * xr[j] * inv;
    }
  }
}

/** RoPE (halves layout) in place on one head's row: x1' = x1·c − x2·s, x2' = x1·s + x2·c. */
static inline void rope(float* x, const float* c, const float* s, int half) {
  for (int j = 0; j < half; j++) {
    const float a = x[j], b = x[j + half];
    x[j] = a * c[j] - b * s[j];
    x[j + half] = a * s[j] + b * c[j];
  }
}
/** The transpose of rope (gradient back through the rotation). */
static inline void ropeBack(float* d, const float* c, const float* s, int half) {
  for (int j = 0; j < half; j++) {
    const float a = d[j], b = d[j + half];
    d[j] = a * c[j] + b * s[j];
    d[j + half] = -a * s[j] + b * c[j];
  }
}

/**
 * One attention row in place: p = softmax(where(mask, s·scale, −1e9)). A row with no visible key is
 * uniform (as −1e9 everywhere gives); otherwise masked entries are exactly 0.
 */
static void softmaxRow(float* s, const unsigned char* m, int T, float scale) {
  const __m256 neg = _mm256_set1_ps(-1e9f), sc = _mm256_set1_ps(scale);
  __m256 mx = neg;
  float mxs = -1e9f;
  bool any = false;
  int j = 0;
  for (; j + 8 <= T; j += 8) {
    const __m256 k = maskLanes(m + j);
    const __m256 v = _mm256_blendv_ps(neg, _mm256_mul_ps(_mm256_loadu_ps(s + j), sc), k);
    _mm256_storeu_ps(s + j, v);
    mx = _mm256_max_ps(mx, v);
    any = any || _mm256_movemask_ps(k) != 0;
  }
  for (; j < T; j++) {
    s[j] = m[j] ? s[j] * scale : -1e9f;
    mxs = std::max(mxs, s[j]);
    any = any || m[j];
  }
  if (!any) {
    for (int i = 0; i < T; i++) s[i] = 1.f / T;
    return;
  }
  mxs = std::max(mxs, hmax(mx));
  const __m256 mv = _mm256_set1_ps(mxs);
  __m256 sum = _mm256_setzero_ps();
  float sums = 0.f;
  for (j = 0; j + 8 <= T; j += 8) {
    const __m256 e = _mm256_and_ps(exp256(_mm256_sub_ps(_mm256_loadu_ps(s + j), mv)), maskLanes(m + j));
    _mm256_storeu_ps(s + j, e);
    sum = _mm256_add_ps(sum, e);
  }
  for (; j < T; j++) {
    s[j] = m[j] ? std::exp(s[j] - mxs) : 0.f;
    sums += s[j];
  }
  const float inv = 1.f / (sums + hsum(sum));
  const __m256 iv = _mm256_set1_ps(inv);
  for (j = 0; j + 8 <= T; j += 8) _mm256_storeu_ps(s + j, _mm256_mul_ps(_mm256_loadu_ps(s + j), iv));
  for (; j < T; j++) s[j] *= inv;
}

/** dS = P ⊙ (dP − ⟨P, dP⟩) · scale, 0 where masked; written over dP. */
static void softmaxBackRow(const float* p, float* dp, const unsigned char* m, int T, float scale) {
  __m256 acc = _mm256_setzero_ps();
  float accs = 0.f;
  int j = 0;
  for (; j + 8 <= T; j += 8)
    acc = _mm256_fmadd_ps(_mm256_loadu_ps(p + j), _mm256_loadu_ps(dp + j), acc);
  for (; j < T; j++) accs += p[j] * dp[j];
  const float dot = accs + hsum(acc);
  const __m256 dv = _mm256_set1_ps(dot), sc = _mm256_set1_ps(scale);
  for (j = 0; j + 8 <= T; j += 8) {
    const __m256 v = _mm256_mul_ps(_mm256_mul_ps(_mm256_loadu_ps(p + j), _mm256_sub_ps(_mm256_loadu_ps(dp + j), dv)), sc);
    _mm256_storeu_ps(dp + j, _mm256_and_ps(v, maskLanes(m + j)));
  }
  for (; j < T; j++) dp[j] = m[j] ? p[j] * (dp[j] - dot) * scale : 0.f;
}

constexpr float GELU_C = 0.7978845608028654f;  // sqrt(2/pi)
constexpr float GELU_A = 0.044715f;

/** f = 0.5·u·(1 + tanh(√(2/π)·(u + 0.044715·u³))) over n values (jax-js nn.gelu, approximate). */
static void geluFwd(long n, const float* u, float* f) {
  long i = 0;
  const __m256 h = _mm256_set1_ps(0.5f), one = _mm256_set1_ps(1.f), c = _mm256_set1_ps(GELU_C),
               a = _mm256_set1_ps(GELU_A);
  for (; i + 8 <= n; i += 8) {
    const __m256 x = _mm256_loadu_ps(u + i);
    const __m256 z = _mm256_mul_ps(c, _mm256_mul_ps(x, _mm256_fmadd_ps(_mm256_mul_ps(a, x), x, one)));
    _mm256_storeu_ps(f + i, _mm256_mul_ps(_mm256_mul_ps(h, x), _mm256_add_ps(one, tanh256(z))));
  }
  for (; i < n; i++) {
    const float x = u[i];
    f[i] = 0.5f * x * (1.f + std::tanh(GELU_C * (x + GELU_A * x * x * x)));
  }
}

/** du = df · gelu'(u), in place over df. */
static void geluBwd(long n, const float* u, float* df) {
  long i = 0;
  const __m256 h = _mm256_set1_ps(0.5f), one = _mm256_set1_ps(1.f), c = _mm256_set1_ps(GELU_C),
               a = _mm256_set1_ps(GELU_A), a3 = _mm256_set1_ps(3.f * GELU_A);
  for (; i + 8 <= n; i += 8) {
    const __m256 x = _mm256_loadu_ps(u + i), x2 = _mm256_mul_ps(x, x);
    const __m256 t = tanh256(_mm256_mul_ps(c, _mm256_mul_ps(x, _mm256_fmadd_ps(a, x2, one))));
    // 0.5(1+t) + 0.5·x·(1−t²)·c·(1 + 3a·x²)
    const __m256 dz = _mm256_mul_ps(c, _mm256_fmadd_ps(a3, x2, one));
    const __m256 g = _mm256_fmadd_ps(_mm256_mul_ps(_mm256_mul_ps(h, x), _mm256_fnmadd_ps(t, t, one)), dz,
                                     _mm256_mul_ps(h, _mm256_add_ps(one, t)));
    _mm256_storeu_ps(df + i, _mm256_mul_ps(_mm256_loadu_ps(df + i), g));
  }
  for (; i < n; i++) {
    const float x = u[i];
    const float t = std::tanh(GELU_C * (x + GELU_A * x * x * x));
    df[i] *= 0.5f * (1.f + t) + 0.5f * x * (1.f - t * t) * GELU_C * (1.f + 3.f * GELU_A * x * x);
  }
}

/**
 * Per row: lp = logSoftmax(z); returns −Σ lp·tgt; writes dz = −tgt + softmax(z)·Σ tgt over z (in place).
 */
static double ceRows(int R, int V, float* z, const float* tgt) {
  double loss = 0;
  for (int r = 0; r < R; r++) {
    float* zr = z + (long)r * V;
    const float* tr = tgt + (long)r * V;
    float mx = zr[0], ts = 0.f;
    for (int v = 1; v < V; v++) mx = std::max(mx, zr[v]);
    float se = 0.f;
    for (int v = 0; v < V; v++) se += std::exp(zr[v] - mx);
    const float lse = std::log(se);
    for (int v = 0; v < V; v++) {
      ts += tr[v];
      if (tr[v] != 0.f) loss -= (double)tr[v] * (zr[v] - mx - lse);
    }
    for (int v = 0; v < V; v++) zr[v] = -tr[v] + std::exp(zr[v] - mx - lse) * ts;
  }
  return loss;
}

}  // namespace crn
