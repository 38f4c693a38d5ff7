// Native fp32 ceilings of this CPU for `npm run bench -- cr` (compiled there only if g++ exists):
// (1) FMA peak: 12 independent AVX2 FMA chains per thread, no memory traffic;
// (2) a plain packed AVX2 sgemm (6×16 register tile) at n³, what a native matmul addon could reach.
// Prints one JSON line. Build: g++ -O3 -mavx2 -mfma -pthread cr-native.cpp
#include <immintrin.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>
#include <algorithm>

static double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

static float fmaChains(long iters) {
  __m256 a[12];
  const __m256 x = _mm256_set1_ps(0.999999f), y = _mm256_set1_ps(1e-7f);
  for (int i = 0; i < 12; i++) a[i] = _mm256_set1_ps((float)i);
  for (long k = 0; k < iters; k++)
    for (int i = 0; i < 12; i++) a[i] = _mm256_fmadd_ps(a[i], x, y);
  __m256 s = a[0];
  for (int i = 1; i < 12; i++) s = _mm256_add_ps(s, a[i]);
  float o[8];
  _mm256_storeu_ps(o, s);
  return o[0];
}

static double fmaPeak(int threads) {
  const long iters = 40000000;
  std::vector<std::thread> ts;
  volatile float sink = 0;
  double t0 = now();
  for (int t = 0; t < threads; t++) ts.emplace_back([&] { sink = sink + fmaChains(iters); });
  for (auto& t : ts) t.join();
  return threads * iters * 12.0 * 16.0 / (now() - t0) / 1e9;
}

// C[rows r0..r1) = A·B, n×n row-major; Bp = B packed in 16-column strips [n/16][n][16]. The thread's
// rows of A are packed once in 6-row panels; K is cut in blocks of 256 so a B strip block (16 KB)
// stays in L1 while the 6×16 register tile runs over every row panel.
static void gemmRows(int n, const float* A, const float* Bp, float* C, int r0, int r1) {
  const int KB = 256;
  int panels = (r1 - r0 + 5) / 6;
  std::vector<float> Ap((size_t)panels * n * 6);
  for (int p = 0; p < panels; p++)
    for (int k = 0; k < n; k++)
      for (int r = 0; r < 6; r++) {
        int i = r0 + p * 6 + r;
        Ap[((size_t)p * n + k) * 6 + r] = i < r1 ? A[(size_t)i * n + k] : 0.f;
      }
  for (int k0 = 0; k0 < n; k0 += KB) {
    int k1 = std::min(n, k0 + KB);
    for (int j = 0; j < n; j += 16) {
      const float* b = Bp + (size_t)j * n;
      for (int p = 0; p < panels; p++) {
        const float* a = &Ap[(size_t)p * n * 6];
        int i = r0 + p * 6, m = std::min(6, r1 - i);
        __m256 c[6][2];
#pragma GCC unroll 6
        for (int r = 0; r < 6; r++) c[r][0] = c[r][1] = _mm256_setzero_ps();
        for (int k = k0; k < k1; k++) {
          __m256 b0 = _mm256_loadu_ps(b + k * 16), b1 = _mm256_loadu_ps(b + k * 16 + 8);
#pragma GCC unroll 6
          for (int r = 0; r < 6; r++) {
            __m256 av = _mm256_broadcast_ss(a + k * 6 + r);
            c[r][0] = _mm256_fmadd_ps(av, b0, c[r][0]);
            c[r][1] = _mm256_fmadd_ps(av, b1, c[r][1]);
          }
        }
        for (int r = 0; r < m; r++) {
          float* o = C + (size_t)(i + r) * n + j;
          if (k0 > 0) {
            c[r][0] = _mm256_add_ps(c[r][0], _mm256_loadu_ps(o));
            c[r][1] = _mm256_add_ps(c[r][1], _mm256_loadu_ps(o + 8));
          }
          _mm256_storeu_ps(o, c[r][0]);
          _mm256_storeu_ps(o + 8, c[r][1]);
        }
      }
    }
  }
}

static double sgemm(int n, int threads, int reps) {
  std::vector<float> A((size_t)n * n, 1.f), B((size_t)n * n, 1.f), C((size_t)n * n), Bp((size_t)n * n);
  std::vector<double> ts;
  for (int rep = 0; rep <= reps; rep++) {
    double t0 = now();
    for (int j = 0; j < n; j += 16)
      for (int k = 0; k < n; k++)
        for (int c = 0; c < 16; c++) Bp[(size_t)j * n + k * 16 + c] = B[(size_t)k * n + j + c];
    std::vector<std::thread> th;
    int per = (n / threads + 5) / 6 * 6;
    for (int t = 0; t < threads; t++)
      th.emplace_back(gemmRows, n, A.data(), Bp.data(), C.data(), std::min(n, t * per), std::min(n, (t + 1) * per));
    for (auto& t : th) t.join();
    if (rep > 0) ts.push_back(now() - t0);
    if (C[(size_t)n * n - 1] != (float)n) { std::fprintf(stderr, "sgemm wrong\n"); std::exit(1); }
  }
  std::sort(ts.begin(), ts.end());
  return 2.0 * n * n * n / ts[ts.size() / 2] / 1e9;
}

int main() {
  std::printf("{\"fma_peak_1t\":%.1f,\"fma_peak_2t\":%.1f,\"sgemm512_1t\":%.1f,\"sgemm512_2t\":%.1f}\n", fmaPeak(1),
              fmaPeak(2), sgemm(512, 1, 9), sgemm(512, 2, 9));
  return 0;
}
