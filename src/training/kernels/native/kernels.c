/*
 * tasuke's WebAssembly SIMD kernels for the tfjs wasm backend. The module
 * imports the backend's own memory, so every pointer below is the offset of a
 * tensor on that heap. Nothing here uses a C stack or static data: the module
 * owns no memory of its own and can only touch what it is given.
 *
 * Build: scripts/build-kernels.sh (clang --target=wasm32 -msimd128).
 */
#include <wasm_simd128.h>

/* fused.c includes this file with EXPORT defined empty (its own module exports what it uses). */
#ifndef EXPORT
#define EXPORT(name) __attribute__((export_name(name)))
#endif

/*
 * dW for a stride-1, dilation-1 convolution without padding, NHWC:
 *   dW[kh, j, co] = sum_{b, oh, ow} x[b, oh + kh, ow*C + j] * dy[b, oh, ow, co]
 * with j = kw*C + ci in [0, fw*C): for a fixed kh the patch row of output
 * pixel (oh, ow) is one contiguous run of fw*C floats of x's row oh + kh.
 * Blocks of 4 patch columns by 8 output channels (8 accumulators); Co must
 * be a multiple of 4.
 */
EXPORT("conv_filter_grad")
void conv_filter_grad(const float *x, const float *dy, float *dw, int B, int H, int W, int C, int OH, int OW, int Co, int fh, int fw) {
  const int J = fw * C;
  const int xRow = W * C;
  for (int kh = 0; kh < fh; kh++) {
    for (int j0 = 0; j0 < J; j0 += 4) {
      const int jn = J - j0 < 4 ? J - j0 : 4;
      for (int co0 = 0; co0 < Co; co0 += 8) {
        const int two = Co - co0 >= 8;
        v128_t a00 = wasm_f32x4_splat(0), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
        for (int b = 0; b < B; b++) {
          for (int oh = 0; oh < OH; oh++) {
            const float *xr = x + ((b * H + oh + kh) * xRow) + j0;
            const float *dr = dy + ((b * OH + oh) * OW) * Co + co0;
            if (two && jn == 4) {
              for (int ow = 0; ow < OW; ow++) {
                const float *xp = xr + ow * C;
                const float *dp = dr + ow * Co;
                v128_t d0 = wasm_v128_load(dp), d1 = wasm_v128_load(dp + 4);
                v128_t s = wasm_f32x4_splat(xp[0]);
                a00 = wasm_f32x4_add(a00, wasm_f32x4_mul(s, d0));
                a01 = wasm_f32x4_add(a01, wasm_f32x4_mul(s, d1));
                s = wasm_f32x4_splat(xp[1]);
                a10 = wasm_f32x4_add(a10, wasm_f32x4_mul(s, d0));
                a11 = wasm_f32x4_add(a11, wasm_f32x4_mul(s, d1));
                s = wasm_f32x4_splat(xp[2]);
                a20 = wasm_f32x4_add(a20, wasm_f32x4_mul(s, d0));
                a21 = wasm_f32x4_add(a21, wasm_f32x4_mul(s, d1));
                s = wasm_f32x4_splat(xp[3]);
                a30 = wasm_f32x4_add(a30, wasm_f32x4_mul(s, d0));
                a31 = wasm_f32x4_add(a31, wasm_f32x4_mul(s, d1));
              }
            } else {
              for (int ow = 0; ow < OW; ow++) {
                const float *xp = xr + ow * C;
                const float *dp = dr + ow * Co;
                v128_t d0 = wasm_v128_load(dp);
                v128_t d1 = two ? wasm_v128_load(dp + 4) : d0;
                v128_t s = wasm_f32x4_splat(xp[0]);
                a00 = wasm_f32x4_add(a00, wasm_f32x4_mul(s, d0));
                a01 = wasm_f32x4_add(a01, wasm_f32x4_mul(s, d1));
                if (jn > 1) {
                  s = wasm_f32x4_splat(xp[1]);
                  a10 = wasm_f32x4_add(a10, wasm_f32x4_mul(s, d0));
                  a11 = wasm_f32x4_add(a11, wasm_f32x4_mul(s, d1));
                }
                if (jn > 2) {
                  s = wasm_f32x4_splat(xp[2]);
                  a20 = wasm_f32x4_add(a20, wasm_f32x4_mul(s, d0));
                  a21 = wasm_f32x4_add(a21, wasm_f32x4_mul(s, d1));
                }
                if (jn > 3) {
                  s = wasm_f32x4_splat(xp[3]);
                  a30 = wasm_f32x4_add(a30, wasm_f32x4_mul(s, d0));
                  a31 = wasm_f32x4_add(a31, wasm_f32x4_mul(s, d1));
                }
              }
            }
          }
        }
        /* dW is [fh, fw, C, Co] = [fh, J, Co]. */
        float *o = dw + (kh * J + j0) * Co + co0;
        wasm_v128_store(o, a00);
        if (two) wasm_v128_store(o + 4, a01);
        if (jn > 1) { wasm_v128_store(o + Co, a10); if (two) wasm_v128_store(o + Co + 4, a11); }
        if (jn > 2) { wasm_v128_store(o + 2 * Co, a20); if (two) wasm_v128_store(o + 2 * Co + 4, a21); }
        if (jn > 3) { wasm_v128_store(o + 3 * Co, a30); if (two) wasm_v128_store(o + 3 * Co + 4, a31); }
      }
    }
  }
}

/*
 * MaxPoolGrad for 2x2 windows with stride 2 and no padding, NHWC, C a
 * multiple of 4: each dy value goes to the first maximum of its window in
 * row-major order (as tfjs-core does); positions no window covers get 0.
 */
EXPORT("max_pool_grad_2x2")
void max_pool_grad_2x2(const float *x, const float *dy, float *dx, int B, int H, int W, int C, int OH, int OW) {
  const int xRow = W * C;
  const v128_t zero = wasm_f32x4_splat(0);
  for (int i = 0, n = B * H * W * C; i < n; i += 4) wasm_v128_store(dx + i, zero);
  for (int b = 0; b < B; b++) {
    for (int oh = 0; oh < OH; oh++) {
      const float *x0 = x + (b * H + 2 * oh) * xRow;
      float *d0 = dx + (b * H + 2 * oh) * xRow;
      const float *g = dy + ((b * OH + oh) * OW) * C;
      for (int ow = 0; ow < OW; ow++) {
        for (int c = 0; c < C; c += 4) {
          const int p = 2 * ow * C + c;
          v128_t v00 = wasm_v128_load(x0 + p), v01 = wasm_v128_load(x0 + p + C);
          v128_t v10 = wasm_v128_load(x0 + xRow + p), v11 = wasm_v128_load(x0 + xRow + p + C);
          v128_t gv = wasm_v128_load(g + ow * C + c);
          /* Later taps win only when strictly greater: the first maximum is kept. */
          v128_t best = v00;
          v128_t t01 = wasm_f32x4_gt(v01, best);
          best = wasm_v128_bitselect(v01, best, t01);
          v128_t t10 = wasm_f32x4_gt(v10, best);
          best = wasm_v128_bitselect(v10, best, t10);
          v128_t t11 = wasm_f32x4_gt(v11, best);
          /* Which tap holds the maximum: the last one that beat the running best. */
          v128_t m11 = t11;
          v128_t m10 = wasm_v128_andnot(t10, m11);
          v128_t m01 = wasm_v128_andnot(wasm_v128_andnot(t01, m11), t10);
          v128_t m00 = wasm_v128_not(wasm_v128_or(wasm_v128_or(t01, t10), t11));
          wasm_v128_store(d0 + p, wasm_v128_and(gv, m00));
          wasm_v128_store(d0 + p + C, wasm_v128_and(gv, m01));
          wasm_v128_store(d0 + xRow + p, wasm_v128_and(gv, m10));
          wasm_v128_store(d0 + xRow + p + C, wasm_v128_and(gv, m11));
        }
      }
    }
  }
}

/*
 * out[c] = sum over r of x[r*C + c]: a tensor summed over every axis but the
 * last (the gradient of a bias). Rows are added in order, as tfjs does.
 */
EXPORT("sum_rows")
void sum_rows(const float *x, float *out, int rows, int C) {
  int c = 0;
  for (; c + 8 <= C; c += 8) {
    v128_t a0 = wasm_f32x4_splat(0), a1 = a0;
    for (int r = 0; r < rows; r++) {
      const float *p = x + r * C + c;
      a0 = wasm_f32x4_add(a0, wasm_v128_load(p));
      a1 = wasm_f32x4_add(a1, wasm_v128_load(p + 4));
    }
    wasm_v128_store(out + c, a0);
    wasm_v128_store(out + c + 4, a1);
  }
  for (; c + 4 <= C; c += 4) {
    v128_t a0 = wasm_f32x4_splat(0);
    for (int r = 0; r < rows; r++) a0 = wasm_f32x4_add(a0, wasm_v128_load(x + r * C + c));
    wasm_v128_store(out + c, a0);
  }
  for (; c < C; c++) {
    float s = 0;
    for (int r = 0; r < rows; r++) s += x[r * C + c];
    out[c] = s;
  }
}

/* out[r*C + c] = x[r*C + c] + bias[c]: a bias added along the last axis. */
EXPORT("add_bias")
void add_bias(const float *x, const float *bias, float *out, int rows, int C) {
  if (C % 4 == 0) {
    for (int r = 0; r < rows; r++) {
      const float *p = x + r * C;
      float *o = out + r * C;
      for (int c = 0; c < C; c += 4) wasm_v128_store(o + c, wasm_f32x4_add(wasm_v128_load(p + c), wasm_v128_load(bias + c)));
    }
    return;
  }
  for (int r = 0; r < rows; r++)
    for (int c = 0; c < C; c++) out[r * C + c] = x[r * C + c] + bias[c];
}

/*
 * dx = dy * step(x): the gradient of ReLU, as tfjs-core writes it
 * (dy * (x > 0 ? 1 : 0), a NaN in x giving NaN), in one pass.
 */
EXPORT("relu_grad")
void relu_grad(const float *dy, const float *x, float *dx, int n) {
  const v128_t zero = wasm_f32x4_splat(0), one = wasm_f32x4_splat(1);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t xv = wasm_v128_load(x + i);
    v128_t s = wasm_v128_bitselect(one, zero, wasm_f32x4_gt(xv, zero));
    s = wasm_v128_bitselect(xv, s, wasm_f32x4_ne(xv, xv));
    wasm_v128_store(dx + i, wasm_f32x4_mul(wasm_v128_load(dy + i), s));
  }
  for (; i < n; i++) {
    const float v = x[i];
    dx[i] = dy[i] * (v != v ? v : v > 0 ? 1.0f : 0.0f);
  }
}

/*
 * A stride-1 'valid' convolution of a one-channel image (a first layer),
 * NHWC, Co a multiple of 8:
 *   out[b, oh, ow, co] = sum_{kh, kw} x[b, oh + kh, ow + kw] * w[kh, kw, co]
 * Four neighbouring output pixels by eight channels at a time (8
 * accumulators); the filter row is read once for the four.
 */
EXPORT("conv_one_channel")
void conv_one_channel(const float *x, const float *w, float *out, int B, int H, int W, int OH, int OW, int Co, int fh, int fw) {
  for (int b = 0; b < B; b++) {
    for (int oh = 0; oh < OH; oh++) {
      float *orow = out + ((b * OH + oh) * OW) * Co;
      for (int co = 0; co < Co; co += 8) {
        int ow = 0;
        for (; ow + 4 <= OW; ow += 4) {
          v128_t a00 = wasm_f32x4_splat(0), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
          for (int kh = 0; kh < fh; kh++) {
            const float *xr = x + (b * H + oh + kh) * W + ow;
            const float *wr = w + kh * fw * Co + co;
            for (int kw = 0; kw < fw; kw++) {
              v128_t w0 = wasm_v128_load(wr + kw * Co), w1 = wasm_v128_load(wr + kw * Co + 4);
              v128_t s = wasm_f32x4_splat(xr[kw]);
              a00 = wasm_f32x4_add(a00, wasm_f32x4_mul(s, w0));
              a01 = wasm_f32x4_add(a01, wasm_f32x4_mul(s, w1));
              s = wasm_f32x4_splat(xr[kw + 1]);
              a10 = wasm_f32x4_add(a10, wasm_f32x4_mul(s, w0));
              a11 = wasm_f32x4_add(a11, wasm_f32x4_mul(s, w1));
              s = wasm_f32x4_splat(xr[kw + 2]);
              a20 = wasm_f32x4_add(a20, wasm_f32x4_mul(s, w0));
              a21 = wasm_f32x4_add(a21, wasm_f32x4_mul(s, w1));
              s = wasm_f32x4_splat(xr[kw + 3]);
              a30 = wasm_f32x4_add(a30, wasm_f32x4_mul(s, w0));
              a31 = wasm_f32x4_add(a31, wasm_f32x4_mul(s, w1));
            }
          }
          float *o = orow + ow * Co + co;
          wasm_v128_store(o, a00);
          wasm_v128_store(o + 4, a01);
          wasm_v128_store(o + Co, a10);
          wasm_v128_store(o + Co + 4, a11);
          wasm_v128_store(o + 2 * Co, a20);
          wasm_v128_store(o + 2 * Co + 4, a21);
          wasm_v128_store(o + 3 * Co, a30);
          wasm_v128_store(o + 3 * Co + 4, a31);
        }
        for (; ow < OW; ow++) {
          v128_t a0 = wasm_f32x4_splat(0), a1 = a0;
          for (int kh = 0; kh < fh; kh++) {
            const float *xr = x + (b * H + oh + kh) * W + ow;
            const float *wr = w + kh * fw * Co + co;
            for (int kw = 0; kw < fw; kw++) {
              v128_t s = wasm_f32x4_splat(xr[kw]);
              a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(s, wasm_v128_load(wr + kw * Co)));
              a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(s, wasm_v128_load(wr + kw * Co + 4)));
            }
          }
          wasm_v128_store(orow + ow * Co + co, a0);
          wasm_v128_store(orow + ow * Co + co + 4, a1);
        }
      }
    }
  }
}
