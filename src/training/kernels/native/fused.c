/*
 * tasuke's fused trainer (src/training/fast/fused.ts): the matrix products,
 * convolutions (as im2col + product), 2x2 max pooling, activations, losses
 * and optimizer steps of a Sequential stack of Conv2D, MaxPooling2D,
 * Flatten, Dense and Dropout layers, on a WebAssembly memory the
 * trainer owns. The memory is shared with a worker thread, so each product
 * takes a range of output rows: two threads split one product by rows, and
 * every output element is computed by one thread in one fixed order, so the
 * numbers do not depend on how the work was split.
 *
 * As in kernels.c, nothing here uses a C stack or static data: every pointer
 * is an offset the caller laid out in the memory it provides.
 *
 * Build: scripts/build-kernels.sh.
 */
#include <wasm_simd128.h>

/*
 * The direct convolution kernels of the tfjs backend's module (conv_one_channel
 * for a first layer's forward pass, conv_filter_grad for a filter's gradient),
 * tested there against tfjs's own kernels; here they run on the trainer's
 * memory, a range of images or of filter rows at a time. Included without
 * their exports (and the two names this file defines itself set aside), then
 * exported below under the same names.
 */
#define EXPORT(name)
#define sum_rows kernels_sum_rows
#define max_pool_grad_2x2 kernels_max_pool_grad_2x2
#include "kernels.c"
#undef sum_rows
#undef max_pool_grad_2x2
#undef EXPORT

#define EXPORT(name) __attribute__((export_name(name)))

EXPORT("conv_direct")
void conv_direct(const float *x, const float *w, float *out, int B, int H, int W, int OH, int OW, int Co, int fh, int fw) {
  conv_one_channel(x, w, out, B, H, W, OH, OW, Co, fh, fw);
}

EXPORT("conv_filter_grad_direct")
void conv_filter_grad_direct(const float *x, const float *dy, float *dw, int B, int H, int W, int C, int OH, int OW, int Co, int fh, int fw) {
  conv_filter_grad(x, dy, dw, B, H, W, C, OH, OW, Co, fh, fw);
}

/* ---- scalar functions (no libm here) ---- */

static inline float f_abs(float x) { return x < 0 ? -x : x; }

/* e^x, relative error about 2e-7; NaN stays NaN, large arguments saturate. */
static inline float f_exp(float x) {
  if (x != x) return x;
  if (x > 88.0f) x = 88.0f;
  if (x < -87.0f) return 0.0f;
  const float t = x * 1.44269504f;
  const float n = (float)(int)(t + (t >= 0 ? 0.5f : -0.5f));
  float r = x - n * 0.693145752f;
  r = r - n * 1.42860677e-6f;
  /* e^r on [-0.35, 0.35]: Taylor to degree 7. */
  float p = 1.98412698e-4f;
  p = p * r + 1.38888889e-3f;
  p = p * r + 8.33333333e-3f;
  p = p * r + 4.16666667e-2f;
  p = p * r + 1.66666667e-1f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  union { float f; int i; } s;
  s.i = ((int)n + 127) << 23;
  return p * s.f;
}

/* ln x for x > 0 (x <= 0 gives -inf or NaN, as log does). */
static inline float f_log(float x) {
  if (x != x || x < 0) return (x - x) / (x - x); /* NaN */
  if (x == 0) return -1.0f / 0.0f;
  if (x == 1.0f / 0.0f) return x;
  union { float f; int i; } u;
  u.f = x;
  int e = ((u.i >> 23) & 0xff) - 127;
  u.i = (u.i & 0x007fffff) | 0x3f800000; /* m in [1, 2) */
  float m = u.f;
  if (m > 1.41421356f) {
    m *= 0.5f;
    e += 1;
  }
  const float s = (m - 1.0f) / (m + 1.0f);
  const float s2 = s * s;
  float p = 1.0f / 11.0f;
  p = p * s2 + 1.0f / 9.0f;
  p = p * s2 + 1.0f / 7.0f;
  p = p * s2 + 1.0f / 5.0f;
  p = p * s2 + 1.0f / 3.0f;
  p = p * s2 + 1.0f;
  return 2.0f * s * p + (float)e * 0.693147181f;
}

static inline float f_sigmoid(float x) { return 1.0f / (1.0f + f_exp(-x)); }
static inline float f_tanh(float x) {
  if (x != x) return x;
  const float t = 1.0f - 2.0f / (f_exp(2.0f * f_abs(x)) + 1.0f);
  return x < 0 ? -t : t;
}

/* ---- matrix products ---- */

/*
 * Rows [m0, m1) of C[M, N] = A[M, K] · B[K, N], all row-major. Panels of 8
 * columns of B (which stay in the L1 cache) by blocks of 4 rows of A: 8
 * accumulators, each element summed over k in order.
 */
EXPORT("gemm_nn")
void gemm_nn(const float *A, const float *B, float *C, int N, int K, int m0, int m1) {
  int j = 0;
  for (; j + 8 <= N; j += 8) {
    int i = m0;
    for (; i + 4 <= m1; i += 4) {
      const float *a0 = A + i * K, *a1 = a0 + K, *a2 = a1 + K, *a3 = a2 + K;
      v128_t c00 = wasm_f32x4_splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
      const float *b = B + j;
      for (int k = 0; k < K; k++, b += N) {
        const v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4);
        v128_t s = wasm_f32x4_splat(a0[k]);
        c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(s, b0));
        c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(s, b1));
        s = wasm_f32x4_splat(a1[k]);
        c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(s, b0));
        c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(s, b1));
        s = wasm_f32x4_splat(a2[k]);
        c20 = wasm_f32x4_add(c20, wasm_f32x4_mul(s, b0));
        c21 = wasm_f32x4_add(c21, wasm_f32x4_mul(s, b1));
        s = wasm_f32x4_splat(a3[k]);
        c30 = wasm_f32x4_add(c30, wasm_f32x4_mul(s, b0));
        c31 = wasm_f32x4_add(c31, wasm_f32x4_mul(s, b1));
      }
      float *c = C + i * N + j;
      wasm_v128_store(c, c00);
      wasm_v128_store(c + 4, c01);
      wasm_v128_store(c + N, c10);
      wasm_v128_store(c + N + 4, c11);
      wasm_v128_store(c + 2 * N, c20);
      wasm_v128_store(c + 2 * N + 4, c21);
      wasm_v128_store(c + 3 * N, c30);
      wasm_v128_store(c + 3 * N + 4, c31);
    }
    for (; i < m1; i++) {
      const float *a0 = A + i * K;
      v128_t c00 = wasm_f32x4_splat(0), c01 = c00;
      const float *b = B + j;
      for (int k = 0; k < K; k++, b += N) {
        const v128_t s = wasm_f32x4_splat(a0[k]);
        c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(s, wasm_v128_load(b)));
        c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(s, wasm_v128_load(b + 4)));
      }
      wasm_v128_store(C + i * N + j, c00);
      wasm_v128_store(C + i * N + j + 4, c01);
    }
  }
  for (; j + 4 <= N; j += 4) {
    for (int i = m0; i < m1; i++) {
      const float *a0 = A + i * K;
      v128_t c00 = wasm_f32x4_splat(0);
      const float *b = B + j;
      for (int k = 0; k < K; k++, b += N) c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(wasm_f32x4_splat(a0[k]), wasm_v128_load(b)));
      wasm_v128_store(C + i * N + j, c00);
    }
  }
  for (; j < N; j++) {
    for (int i = m0; i < m1; i++) {
      const float *a0 = A + i * K;
      float s = 0;
      for (int k = 0; k < K; k++) s += a0[k] * B[k * N + j];
      C[i * N + j] = s;
    }
  }
}

/*
 * Rows [m0, m1) of C[M, N] = Aᵀ · B with A[K, M] and B[K, N] row-major (the
 * gradient of a weight matrix: xᵀ · dy). Blocks of 4 rows of C (4 neighbouring
 * columns of A, one load) by 8 columns; each element summed over k in order.
 */
EXPORT("gemm_tn")
void gemm_tn(const float *A, const float *B, float *C, int M, int N, int K, int m0, int m1) {
  int i = m0;
  for (; i + 4 <= m1; i += 4) {
    int j = 0;
    for (; j + 8 <= N; j += 8) {
      v128_t c00 = wasm_f32x4_splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
      const float *a = A + i, *b = B + j;
      for (int k = 0; k < K; k++, a += M, b += N) {
        const v128_t av = wasm_v128_load(a);
        const v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4);
        v128_t s = wasm_i32x4_shuffle(av, av, 0, 0, 0, 0);
        c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(s, b0));
        c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(s, b1));
        s = wasm_i32x4_shuffle(av, av, 1, 1, 1, 1);
        c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(s, b0));
        c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(s, b1));
        s = wasm_i32x4_shuffle(av, av, 2, 2, 2, 2);
        c20 = wasm_f32x4_add(c20, wasm_f32x4_mul(s, b0));
        c21 = wasm_f32x4_add(c21, wasm_f32x4_mul(s, b1));
        s = wasm_i32x4_shuffle(av, av, 3, 3, 3, 3);
        c30 = wasm_f32x4_add(c30, wasm_f32x4_mul(s, b0));
        c31 = wasm_f32x4_add(c31, wasm_f32x4_mul(s, b1));
      }
      float *c = C + i * N + j;
      wasm_v128_store(c, c00);
      wasm_v128_store(c + 4, c01);
      wasm_v128_store(c + N, c10);
      wasm_v128_store(c + N + 4, c11);
      wasm_v128_store(c + 2 * N, c20);
      wasm_v128_store(c + 2 * N + 4, c21);
      wasm_v128_store(c + 3 * N, c30);
      wasm_v128_store(c + 3 * N + 4, c31);
    }
    for (; j < N; j++) {
      float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (int k = 0; k < K; k++) {
        const float bv = B[k * N + j];
        const float *a = A + k * M + i;
        s0 += a[0] * bv;
        s1 += a[1] * bv;
        s2 += a[2] * bv;
        s3 += a[3] * bv;
      }
      C[i * N + j] = s0;
      C[(i + 1) * N + j] = s1;
      C[(i + 2) * N + j] = s2;
      C[(i + 3) * N + j] = s3;
    }
  }
  for (; i < m1; i++) {
    int j = 0;
    for (; j + 8 <= N; j += 8) {
      v128_t c0 = wasm_f32x4_splat(0), c1 = c0;
      const float *a = A + i, *b = B + j;
      for (int k = 0; k < K; k++, a += M, b += N) {
        const v128_t s = wasm_f32x4_splat(*a);
        c0 = wasm_f32x4_add(c0, wasm_f32x4_mul(s, wasm_v128_load(b)));
        c1 = wasm_f32x4_add(c1, wasm_f32x4_mul(s, wasm_v128_load(b + 4)));
      }
      wasm_v128_store(C + i * N + j, c0);
      wasm_v128_store(C + i * N + j + 4, c1);
    }
    for (; j < N; j++) {
      float s = 0;
      for (int k = 0; k < K; k++) s += A[k * M + i] * B[k * N + j];
      C[i * N + j] = s;
    }
  }
}

/* dst[i] += src[i] over n floats (two halves of a gradient summed). */
EXPORT("add_into")
void add_into(float *dst, const float *src, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(dst + i, wasm_f32x4_add(wasm_v128_load(dst + i), wasm_v128_load(src + i)));
  for (; i < n; i++) dst[i] += src[i];
}

/* dst[cols, rows] = src[rows, cols]ᵀ. */
EXPORT("transpose")
void transpose(const float *src, float *dst, int rows, int cols) {
  for (int r0 = 0; r0 < rows; r0 += 16) {
    const int r1 = r0 + 16 < rows ? r0 + 16 : rows;
    for (int c0 = 0; c0 < cols; c0 += 16) {
      const int c1 = c0 + 16 < cols ? c0 + 16 : cols;
      for (int r = r0; r < r1; r++)
        for (int c = c0; c < c1; c++) dst[c * rows + r] = src[r * cols + c];
    }
  }
}

/* ---- layers ---- */

enum { ACT_LINEAR = 0, ACT_RELU = 1, ACT_TANH = 2, ACT_SIGMOID = 3 };

/* Rows [r0, r1) of x[rows, C] = act(x + bias), in place. */
EXPORT("bias_act")
void bias_act(float *x, const float *bias, int C, int act, int r0, int r1) {
  for (int r = r0; r < r1; r++) {
    float *p = x + r * C;
    int c = 0;
    if (act == ACT_LINEAR || act == ACT_RELU) {
      const v128_t zero = wasm_f32x4_splat(0);
      for (; c + 4 <= C; c += 4) {
        v128_t v = wasm_f32x4_add(wasm_v128_load(p + c), wasm_v128_load(bias + c));
        /* relu as tfjs does it: max(x, 0), with NaN kept. */
        if (act == ACT_RELU) v = wasm_v128_bitselect(v, zero, wasm_v128_or(wasm_f32x4_gt(v, zero), wasm_f32x4_ne(v, v)));
        wasm_v128_store(p + c, v);
      }
    }
    for (; c < C; c++) {
      const float v = p[c] + bias[c];
      p[c] = act == ACT_RELU ? (v > 0 || v != v ? v : 0.0f) : act == ACT_TANH ? f_tanh(v) : act == ACT_SIGMOID ? f_sigmoid(v) : v;
    }
  }
}

/* dy *= act'(a) over n floats, from the activation's output a (relu: a > 0). */
EXPORT("act_grad")
void act_grad(float *dy, const float *a, int n, int act) {
  if (act == ACT_LINEAR) return;
  int i = 0;
  if (act == ACT_RELU) {
    const v128_t zero = wasm_f32x4_splat(0), one = wasm_f32x4_splat(1);
    for (; i + 4 <= n; i += 4) {
      const v128_t av = wasm_v128_load(a + i);
      v128_t s = wasm_v128_bitselect(one, zero, wasm_f32x4_gt(av, zero));
      s = wasm_v128_bitselect(av, s, wasm_f32x4_ne(av, av));
      wasm_v128_store(dy + i, wasm_f32x4_mul(wasm_v128_load(dy + i), s));
    }
    for (; i < n; i++) dy[i] *= a[i] != a[i] ? a[i] : a[i] > 0 ? 1.0f : 0.0f;
    return;
  }
  for (; i < n; i++) dy[i] *= act == ACT_TANH ? 1.0f - a[i] * a[i] : a[i] * (1.0f - a[i]);
}

/* out[c] = sum over rows of x[r, c] (the gradient of a bias), rows in order. */
EXPORT("sum_rows")
void sum_rows(const float *x, float *out, int rows, int C) {
  int c = 0;
  for (; c + 4 <= C; c += 4) {
    v128_t a = wasm_f32x4_splat(0);
    for (int r = 0; r < rows; r++) a = wasm_f32x4_add(a, wasm_v128_load(x + r * C + c));
    wasm_v128_store(out + c, a);
  }
  for (; c < C; c++) {
    float s = 0;
    for (int r = 0; r < rows; r++) s += x[r * C + c];
    out[c] = s;
  }
}

/* x *= mask over n floats (dropout: the mask holds 0 or 1 / keep). */
EXPORT("mul_mask")
void mul_mask(float *x, const float *mask, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(x + i, wasm_f32x4_mul(wasm_v128_load(x + i), wasm_v128_load(mask + i)));
  for (; i < n; i++) x[i] *= mask[i];
}

/* dst[i, :] = src[idx[i], :] for count rows of rowSize floats (a batch in shuffled order). */
EXPORT("gather_rows")
void gather_rows(const float *src, const int *idx, float *dst, int count, int rowSize) {
  for (int i = 0; i < count; i++) {
    const float *s = src + idx[i] * rowSize;
    float *d = dst + i * rowSize;
    int c = 0;
    for (; c + 4 <= rowSize; c += 4) wasm_v128_store(d + c, wasm_v128_load(s + c));
    for (; c < rowSize; c++) d[c] = s[c];
  }
}

/* ---- convolutions and pooling (NHWC, stride 1, no padding; 2x2 pools with stride 2) ---- */

/*
 * cols[r, :] = the patch of output pixel r = (b, oh, ow): for each kh, the
 * fw*C contiguous floats x[b, oh + kh, ow .. ow + fw - 1, :]. Row length
 * K = fh*fw*C, in the order of a [fh, fw, C, Co] filter's rows.
 */
EXPORT("im2col")
void im2col(const float *x, float *cols, int B, int H, int W, int C, int OH, int OW, int fh, int fw) {
  const int run = fw * C, K = fh * run;
  float *out = cols;
  for (int b = 0; b < B; b++)
    for (int oh = 0; oh < OH; oh++)
      for (int ow = 0; ow < OW; ow++, out += K)
        for (int kh = 0; kh < fh; kh++) {
          const float *src = x + ((b * H + oh + kh) * W + ow) * C;
          float *dst = out + kh * run;
          int i = 0;
          for (; i + 4 <= run; i += 4) wasm_v128_store(dst + i, wasm_v128_load(src + i));
          for (; i < run; i++) dst[i] = src[i];
        }
}

/* dx = the patches' gradients dcols added back where im2col read them (dx is overwritten). */
EXPORT("col2im")
void col2im(const float *dcols, float *dx, int B, int H, int W, int C, int OH, int OW, int fh, int fw) {
  const int run = fw * C, K = fh * run, n = B * H * W * C;
  for (int i = 0; i < n; i++) dx[i] = 0;
  const float *in = dcols;
  for (int b = 0; b < B; b++)
    for (int oh = 0; oh < OH; oh++)
      for (int ow = 0; ow < OW; ow++, in += K)
        for (int kh = 0; kh < fh; kh++) {
          float *dst = dx + ((b * H + oh + kh) * W + ow) * C;
          const float *src = in + kh * run;
          int i = 0;
          for (; i + 4 <= run; i += 4) wasm_v128_store(dst + i, wasm_f32x4_add(wasm_v128_load(dst + i), wasm_v128_load(src + i)));
          for (; i < run; i++) dst[i] += src[i];
        }
}

/*
 * out[b, oh, ow, c] = the largest of x's 2x2 window at (2 oh, 2 ow), as
 * tfjs-core computes it: from -inf up, a value counts only when greater, so a
 * NaN is passed over (a window of NaNs gives -inf).
 */
EXPORT("max_pool_2x2")
void max_pool_2x2(const float *x, float *out, int B, int H, int W, int C, int OH, int OW) {
  const int row = W * C;
  for (int b = 0; b < B; b++)
    for (int oh = 0; oh < OH; oh++) {
      const float *x0 = x + (b * H + 2 * oh) * row;
      float *o = out + ((b * OH + oh) * OW) * C;
      for (int ow = 0; ow < OW; ow++) {
        const int p = 2 * ow * C;
        for (int c = 0; c < C; c++) {
          const float v00 = x0[p + c], v01 = x0[p + C + c], v10 = x0[row + p + c], v11 = x0[row + p + C + c];
          float m = -1.0f / 0.0f;
          m = v00 > m ? v00 : m;
          m = v01 > m ? v01 : m;
          m = v10 > m ? v10 : m;
          m = v11 > m ? v11 : m;
          o[ow * C + c] = m;
        }
      }
    }
}

/*
 * dx of a 2x2, stride-2 max pool: each dy value goes to the first maximum of
 * its window in row-major order, found as the forward pass finds it (from
 * -inf up, NaN passed over; a window with no value above -inf passes
 * nothing back), as tfjs-core does; other positions get 0.
 */
EXPORT("max_pool_grad_2x2")
void max_pool_grad_2x2(const float *x, const float *dy, float *dx, int B, int H, int W, int C, int OH, int OW) {
  const int row = W * C, n = B * H * W * C;
  const v128_t zero = wasm_f32x4_splat(0);
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(dx + i, zero);
  for (; i < n; i++) dx[i] = 0;
  for (int b = 0; b < B; b++)
    for (int oh = 0; oh < OH; oh++) {
      const float *x0 = x + (b * H + 2 * oh) * row;
      float *d0 = dx + (b * H + 2 * oh) * row;
      const float *g = dy + ((b * OH + oh) * OW) * C;
      for (int ow = 0; ow < OW; ow++) {
        const int p = 2 * ow * C;
        int c = 0;
        /* Four channels at once: later taps win only when strictly greater (the first maximum is kept). */
        for (; c + 4 <= C; c += 4) {
          const int q = p + c;
          const v128_t v00 = wasm_v128_load(x0 + q), v01 = wasm_v128_load(x0 + q + C);
          const v128_t v10 = wasm_v128_load(x0 + row + q), v11 = wasm_v128_load(x0 + row + q + C);
          const v128_t gv = wasm_v128_load(g + ow * C + c);
          const v128_t ninf = wasm_f32x4_splat(-1.0f / 0.0f);
          const v128_t t00 = wasm_f32x4_gt(v00, ninf);
          v128_t best = wasm_v128_bitselect(v00, ninf, t00);
          const v128_t t01 = wasm_f32x4_gt(v01, best);
          best = wasm_v128_bitselect(v01, best, t01);
          const v128_t t10 = wasm_f32x4_gt(v10, best);
          best = wasm_v128_bitselect(v10, best, t10);
          const v128_t t11 = wasm_f32x4_gt(v11, best);
          /* The tap holding the maximum: the last one that beat the running best. */
          const v128_t m11 = t11;
          const v128_t m10 = wasm_v128_andnot(t10, m11);
          const v128_t m01 = wasm_v128_andnot(wasm_v128_andnot(t01, m11), t10);
          const v128_t m00 = wasm_v128_andnot(t00, wasm_v128_or(wasm_v128_or(t01, t10), t11));
          wasm_v128_store(d0 + q, wasm_v128_and(gv, m00));
          wasm_v128_store(d0 + q + C, wasm_v128_and(gv, m01));
          wasm_v128_store(d0 + row + q, wasm_v128_and(gv, m10));
          wasm_v128_store(d0 + row + q + C, wasm_v128_and(gv, m11));
        }
        for (; c < C; c++) {
          int at = -1;
          float best = -1.0f / 0.0f;
          if (x0[p + c] > best) { best = x0[p + c]; at = p + c; }
          if (x0[p + C + c] > best) { best = x0[p + C + c]; at = p + C + c; }
          if (x0[row + p + c] > best) { best = x0[row + p + c]; at = row + p + c; }
          if (x0[row + p + C + c] > best) { at = row + p + C + c; }
          if (at >= 0) d0[at] = g[ow * C + c];
        }
      }
    }
}

/* ---- losses: each returns the sum over rows of the row losses, writes dz (scaled by `scale`) and the rows guessed right into *hits ---- */

/*
 * Softmax of z[B, C] then categorical cross-entropy as tfjs-layers computes
 * it: q = p / sum(p), clipped to [eps, 1 - eps], loss -sum y log q. dz is the
 * gradient tfjs takes through those same steps, times `scale`: a clipped q
 * passes no gradient (so a row whose true class has p < eps learns nothing,
 * as in tfjs), otherwise it is p - y for a one-hot y.
 * hits: rows whose largest p is where y is largest (first maximum wins).
 */
EXPORT("softmax_ce")
float softmax_ce(const float *z, const float *y, float *dz, float *hits, int B, int C, float scale, float eps) {
  float total = 0, right = 0;
  const float hi = 1.0f - eps;
  for (int r = 0; r < B; r++) {
    const float *zr = z + r * C, *yr = y + r * C;
    float *d = dz + r * C;
    float mx = zr[0];
    for (int c = 1; c < C; c++) mx = zr[c] > mx || zr[c] != zr[c] ? zr[c] : mx;
    float sum = 0;
    for (int c = 0; c < C; c++) {
      d[c] = f_exp(zr[c] - mx);
      sum += d[c];
    }
    /* d holds p now; S = sum(p) is 1 up to rounding. */
    float S = 0;
    for (int c = 0; c < C; c++) {
      d[c] = d[c] / sum;
      S += d[c];
    }
    float loss = 0, gp = 0;
    int pArg = 0, yArg = 0;
    float pBest = -1, yBest = yr[0];
    for (int c = 0; c < C; c++) {
      const float p = d[c];
      const float q = p / S;
      const int inside = q >= eps && q <= hi;
      const float qc = q != q ? q : q < eps ? eps : q > hi ? hi : q;
      loss -= yr[c] * f_log(qc);
      /* g = dL/dq (0 where clipped); gp = sum g p, for the normalisation's and the softmax's gradients. */
      gp += (inside ? -yr[c] / qc : 0.0f) * p;
      if (p > pBest) {
        pBest = p;
        pArg = c;
      }
      if (yr[c] > yBest) {
        yBest = yr[c];
        yArg = c;
      }
    }
    /* dL/dp_j = g_j / S - gp / S^2; dz_j = p_j (dL/dp_j - sum_k dL/dp_k p_k). */
    float dpp = 0;
    for (int c = 0; c < C; c++) {
      const float p = d[c];
      const float q = p / S;
      const int inside = q >= eps && q <= hi;
      const float g = inside ? -yr[c] / q : 0.0f;
      dpp += (g / S - gp / (S * S)) * p;
    }
    for (int c = 0; c < C; c++) {
      const float p = d[c];
      const float q = p / S;
      const int inside = q >= eps && q <= hi;
      const float g = inside ? -yr[c] / q : 0.0f;
      d[c] = p * ((g / S - gp / (S * S)) - dpp) * scale;
    }
    total += loss;
    right += pArg == yArg ? 1.0f : 0.0f;
  }
  *hits = right;
  return total;
}

/*
 * Sigmoid of z[B, C] then binary cross-entropy as tfjs-layers computes it:
 * p clipped to [eps, 1 - eps], the logit log(p / (1 - p)) into
 * max(x, 0) - x y + log(1 + e^-|x|), averaged over C. dz = (p - y) * scale
 * where p is inside the clip range, 0 where it was clipped (as in tfjs).
 * hits: elements with (p > 0.5) == y, over C.
 */
EXPORT("sigmoid_bce")
float sigmoid_bce(const float *z, const float *y, float *dz, float *hits, int B, int C, float scale, float eps) {
  float total = 0, right = 0;
  const float hi = 1.0f - eps;
  for (int r = 0; r < B; r++) {
    float loss = 0, ok = 0;
    for (int c = 0; c < C; c++) {
      const int i = r * C + c;
      const float p = f_sigmoid(z[i]);
      const int inside = p >= eps && p <= hi;
      const float pc = p != p ? p : p < eps ? eps : p > hi ? hi : p;
      const float x = f_log(pc / (1.0f - pc));
      loss += (x > 0 ? x : 0) - x * y[i] + f_log(1.0f + f_exp(-f_abs(x)));
      ok += (p > 0.5f ? 1.0f : 0.0f) == y[i] ? 1.0f : 0.0f;
      dz[i] = inside || p != p ? (p - y[i]) * scale / (float)C : 0.0f;
    }
    total += loss / (float)C;
    right += ok / (float)C;
  }
  *hits = right;
  return total;
}

/* Mean squared error of z[B, C] against y, averaged over C. dz = 2 (z - y) * scale / C. */
EXPORT("mse")
float mse(const float *z, const float *y, float *dz, float *hits, int B, int C, float scale) {
  float total = 0;
  for (int r = 0; r < B; r++) {
    float loss = 0;
    for (int c = 0; c < C; c++) {
      const int i = r * C + c;
      const float e = z[i] - y[i];
      loss += e * e;
      dz[i] = 2.0f * e * scale / (float)C;
    }
    total += loss / (float)C;
  }
  *hits = 0;
  return total;
}

/* ---- optimizers, with tfjs's formulas and its float32 rounding of each op ---- */

/* x -= lr g */
EXPORT("sgd")
void sgd(float *x, const float *g, int n, float negLr) {
  for (int i = 0; i < n; i++) x[i] = g[i] * negLr + x[i];
}

/*
 * Adam (tf.train.adam): m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g²;
 * x += -lr (m / c1) / (sqrt(v / c2) + eps), c1 = 1 - b1^t, c2 = 1 - b2^t.
 */
EXPORT("adam")
void adam(float *x, const float *g, float *m, float *v, int n, float b1, float b2, float omb1, float omb2, float c1, float c2, float eps, float negLr) {
  for (int i = 0; i < n; i++) {
    const float gi = g[i];
    const float m1 = m[i] * b1 + gi * omb1;
    const float v1 = v[i] * b2 + (gi * gi) * omb2;
    m[i] = m1;
    v[i] = v1;
    const float den = __builtin_sqrtf(v1 / c2) + eps;
    x[i] = ((m1 / c1) / den) * negLr + x[i];
  }
}

/* RMSProp (tf.train.rmsprop, no momentum, not centred): ms = d ms + (1 - d) g²; x -= lr g / sqrt(ms + eps). */
EXPORT("rmsprop")
void rmsprop(float *x, const float *g, float *ms, int n, float decay, float omDecay, float eps, float lr) {
  for (int i = 0; i < n; i++) {
    const float gi = g[i];
    const float s = ms[i] * decay + (gi * gi) * omDecay;
    ms[i] = s;
    x[i] = x[i] - (gi * lr) / __builtin_sqrtf(s + eps);
  }
}
