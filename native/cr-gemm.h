// AVX2+FMA building blocks of the native stage-A step: a strided sgemm with a 6×16 register tile, and a
// vectorised exp. Included by cr-step.cpp only (compiled with -mavx2 -mfma; never by the N-API glue).
#pragma once
#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace crn {

// K is cut in blocks of KB so a packed 16-column strip of B (KB × 16 floats = 16 KB) stays in L1; rows in
// blocks of MB so the A block a strip runs over stays in L2.
constexpr int KB = 256;
constexpr int MB = 96;

// One 6×16 tile: C[r][0..n) (+)= sum_k A_r[k·sak] · Bp[k][0..16). Rows r >= m repeat row m-1 (not stored).
static inline void tile(int kb, const float* a0, const float* a1, const float* a2, const float* a3,
                        const float* a4, const float* a5, long sak, const float* bp, float* c, long ldc,
                        int m, int n, bool acc) {
  __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00,
         c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  for (int k = 0; k < kb; k++) {
    const __m256 b0 = _mm256_loadu_ps(bp), b1 = _mm256_loadu_ps(bp + 8);
    bp += 16;
    __m256 a;
    a = _mm256_broadcast_ss(a0);
    c00 = _mm256_fmadd_ps(a, b0, c00);
    c01 = _mm256_fmadd_ps(a, b1, c01);
    a = _mm256_broadcast_ss(a1);
    c10 = _mm256_fmadd_ps(a, b0, c10);
    c11 = _mm256_fmadd_ps(a, b1, c11);
    a = _mm256_broadcast_ss(a2);
    c20 = _mm256_fmadd_ps(a, b0, c20);
    c21 = _mm256_fmadd_ps(a, b1, c21);
    a = _mm256_broadcast_ss(a3);
    c30 = _mm256_fmadd_ps(a, b0, c30);
    c31 = _mm256_fmadd_ps(a, b1, c31);
    a = _mm256_broadcast_ss(a4);
    c40 = _mm256_fmadd_ps(a, b0, c40);
    c41 = _mm256_fmadd_ps(a, b1, c41);
    a = _mm256_broadcast_ss(a5);
    c50 = _mm256_fmadd_ps(a, b0, c50);
    c51 = _mm256_fmadd_ps(a, b1, c51);
    a0 += sak;
    a1 += sak;
    a2 += sak;
    a3 += sak;
    a4 += sak;
    a5 += sak;
  }
  __m256 cs[6][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
  for (int r = 0; r < m; r++) {
    float* o = c + r * ldc;
    if (n == 16) {
      if (acc) {
        cs[r][0] = _mm256_add_ps(cs[r][0], _mm256_loadu_ps(o));
        cs[r][1] = _mm256_add_ps(cs[r][1], _mm256_loadu_ps(o + 8));
      }
      _mm256_storeu_ps(o, cs[r][0]);
      _mm256_storeu_ps(o + 8, cs[r][1]);
    } else {
      alignas(32) float t[16];
      _mm256_store_ps(t, cs[r][0]);
      _mm256_store_ps(t + 8, cs[r][1]);
      for (int j = 0; j < n; j++) o[j] = acc ? o[j] + t[j] : t[j];
    }
  }
}

/**
 * C[i·ldc + j] (+)= Σ_k A[i·sai + k·sak] · B[k·sbk + j·sbj] for i < M, j < N (any strides: transposes are
 * strides). B is packed per K block into 16-column strips (zero padded); A is read in place.
 */
static void gemm(int M, int N, int K, const float* A, long sai, long sak, const float* B, long sbk, long sbj,
                 float* C, long ldc, bool acc, std::vector<float>& pk) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    if (!acc)
      for (int i = 0; i < M; i++) std::memset(C + i * ldc, 0, sizeof(float) * N);
    return;
  }
  const int S = (N + 15) / 16;
  if (pk.size() < (size_t)S * KB * 16) pk.resize((size_t)S * KB * 16);
  for (int k0 = 0; k0 < K; k0 += KB) {
    const int kb = std::min(KB, K - k0);
    for (int s = 0; s < S; s++) {
      float* dst = pk.data() + (size_t)s * kb * 16;
      const int j0 = s * 16, nj = std::min(16, N - j0);
      if (sbj == 1 && nj == 16) {
        for (int k = 0; k < kb; k++) std::memcpy(dst + k * 16, B + (k0 + k) * sbk + j0, 64);
      } else {
        for (int k = 0; k < kb; k++)
          for (int c = 0; c < 16; c++) dst[k * 16 + c] = c < nj ? B[(k0 + k) * sbk + (j0 + c) * sbj] : 0.f;
      }
    }
    const bool ac = acc || k0 > 0;
    for (int i0 = 0; i0 < M; i0 += MB) {
      const int i1 = std::min(M, i0 + MB);
      for (int s = 0; s < S; s++) {
        const float* bp = pk.data() + (size_t)s * kb * 16;
        const int j0 = s * 16, nj = std::min(16, N - j0);
        for (int i = i0; i < i1; i += 6) {
          const int m = std::min(6, i1 - i);
          const float* base = A + (long)k0 * sak;
          auto row = [&](int r) { return base + (long)(i + std::min(r, m - 1)) * sai; };
          tile(kb, row(0), row(1), row(2), row(3), row(4), row(5), sak, bp, C + (long)i * ldc + j0, ldc, m,
               nj, ac);
        }
      }
    }
  }
}

/** e^x, 8 lanes (Cephes polynomial; inputs clamped to ±88.376, so e^-1e9 = 0). */
static inline __m256 exp256(__m256 x) {
  x = _mm256_min_ps(x, _mm256_set1_ps(88.3762626647949f));
  x = _mm256_max_ps(x, _mm256_set1_ps(-88.3762626647949f));
  __m256 fx = _mm256_fmadd_ps(x, _mm256_set1_ps(1.44269504088896341f), _mm256_set1_ps(0.5f));
  fx = _mm256_floor_ps(fx);
  x = _mm256_fnmadd_ps(fx, _mm256_set1_ps(0.693359375f), x);
  x = _mm256_fnmadd_ps(fx, _mm256_set1_ps(-2.12194440e-4f), x);
  __m256 y = _mm256_set1_ps(1.9875691500E-4f);
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.3981999507E-3f));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(8.3334519073E-3f));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(4.1665795894E-2f));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.6666665459E-1f));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(5.0000001201E-1f));
  y = _mm256_fmadd_ps(y, _mm256_mul_ps(x, x), _mm256_add_ps(x, _mm256_set1_ps(1.f)));
  __m256i e = _mm256_add_epi32(_mm256_cvttps_epi32(fx), _mm256_set1_epi32(127));
  return _mm256_mul_ps(y, _mm256_castsi256_ps(_mm256_slli_epi32(e, 23)));
}

/** tanh through exp: 1 − 2 / (1 + e^{2z}) (absolute error ~1e-7, enough inside GELU's 1 + tanh). */
static inline __m256 tanh256(__m256 z) {
  const __m256 one = _mm256_set1_ps(1.f);
  const __m256 e = exp256(_mm256_add_ps(z, z));
  return _mm256_sub_ps(one, _mm256_div_ps(_mm256_set1_ps(2.f), _mm256_add_ps(one, e)));
}

/** Horizontal sum / max of 8 lanes. */
static inline float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}
static inline float hmax(__m256 v) {
  __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_max_ps(s, _mm_movehl_ps(s, s));
  s = _mm_max_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

/** 8 mask bytes → an all-ones lane where the byte is non-zero. */
static inline __m256 maskLanes(const unsigned char* m) {
  long long w;
  std::memcpy(&w, m, 8);
  const __m256i v = _mm256_cvtepu8_epi32(_mm_cvtsi64_si128(w));
  return _mm256_castsi256_ps(_mm256_cmpgt_epi32(v, _mm256_setzero_si256()));
}

}  // namespace crn
