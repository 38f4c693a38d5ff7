// N-API glue of the native stage-A step (plain C API of node_api.h). Compiled WITHOUT -mavx2 so the CPU
// check below runs on any x86-64: without AVX2+FMA the module refuses to load (src/cr/native-step.ts then
// reports the backend unavailable and training uses jax-js).
#include <node_api.h>

#include <cstddef>
#include <cstdint>

extern "C" long cr_param_count(const int32_t* dims);
extern "C" double cr_loss_grad(const int32_t* dims, const float* params, const int32_t* ids, const uint8_t* mask,
                               const float* cos, const float* sin, const float* tgt, float* grad);
extern "C" void cr_step(const int32_t* dims, float* params, float* m, float* v, const int32_t* ids,
                        const uint8_t* mask, const float* cos, const float* sin, const float* tgt,
                        const double* hyper, double* out);

namespace {

struct View {
  void* data;
  size_t len;
};

// The i-th argument as a typed array of the wanted type (throws a JS TypeError otherwise).
bool typed(napi_env env, napi_value v, napi_typedarray_type want, const char* name, View* out) {
  bool is = false;
  napi_is_typedarray(env, v, &is);
  napi_typedarray_type t;
  napi_value ab;
  size_t off;
  if (is && napi_get_typedarray_info(env, v, &t, &out->len, &out->data, &ab, &off) == napi_ok && t == want)
    return true;
  napi_throw_type_error(env, "LMOS_NATIVE_ARG", name);
  return false;
}

bool sized(napi_env env, const View& v, size_t n, const char* what) {
  if (v.len == n) return true;
  napi_throw_range_error(env, "LMOS_NATIVE_SIZE", what);
  return false;
}

struct Args {
  View dims, params, ids, mask, cos, sin, tgt;
};

// Checks the shared batch arguments against dims = [L, D, H, F, V, B, T, threads].
bool batchArgs(napi_env env, napi_value* a, Args* o) {
  if (!typed(env, a[0], napi_int32_array, "dims must be an Int32Array", &o->dims) ||
      !sized(env, o->dims, 8, "dims must hold 8 numbers") ||
      !typed(env, a[1], napi_float32_array, "params must be a Float32Array", &o->params) ||
      !typed(env, a[2], napi_int32_array, "ids must be an Int32Array", &o->ids) ||
      !typed(env, a[3], napi_uint8_array, "mask must be a Uint8Array", &o->mask) ||
      !typed(env, a[4], napi_float32_array, "cos must be a Float32Array", &o->cos) ||
      !typed(env, a[5], napi_float32_array, "sin must be a Float32Array", &o->sin) ||
      !typed(env, a[6], napi_float32_array, "tgt must be a Float32Array", &o->tgt))
    return false;
  const int32_t* d = static_cast<const int32_t*>(o->dims.data);
  for (int i = 0; i < 8; i++)
    if (d[i] <= 0) {
      napi_throw_range_error(env, "LMOS_NATIVE_SIZE", "dims must be positive");
      return false;
    }
  if (d[1] % d[2] != 0 || (d[1] / d[2]) % 2 != 0) {
    napi_throw_range_error(env, "LMOS_NATIVE_SIZE", "d / heads must be even");
    return false;
  }
  const size_t BT = (size_t)d[5] * d[6];
  if (!sized(env, o->params, (size_t)cr_param_count(d), "params has the wrong length") ||
      !sized(env, o->ids, BT, "ids must hold B*T ids") || !sized(env, o->mask, BT * d[6], "mask must be B*T*T") ||
      !sized(env, o->cos, BT * (d[1] / d[2] / 2), "cos must be B*T*dh/2") ||
      !sized(env, o->sin, BT * (d[1] / d[2] / 2), "sin must be B*T*dh/2") ||
      !sized(env, o->tgt, BT * d[4], "tgt must be B*T*V"))
    return false;
  const int32_t* ids = static_cast<const int32_t*>(o->ids.data);
  for (size_t i = 0; i < BT; i++)
    if (ids[i] < 0 || ids[i] >= d[4]) {
      napi_throw_range_error(env, "LMOS_NATIVE_SIZE", "token id out of the vocabulary");
      return false;
    }
  return true;
}

// lossGrad(dims, params, ids, mask, cos, sin, tgt, grad) → loss
napi_value LossGrad(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value a[8];
  napi_get_cb_info(env, info, &argc, a, nullptr, nullptr);
  Args o;
  View grad;
  if (argc < 8 || !batchArgs(env, a, &o) ||
      !typed(env, a[7], napi_float32_array, "grad must be a Float32Array", &grad) ||
      !sized(env, grad, o.params.len, "grad must be as long as params"))
    return nullptr;
  const double loss = cr_loss_grad(
      static_cast<const int32_t*>(o.dims.data), static_cast<const float*>(o.params.data),
      static_cast<const int32_t*>(o.ids.data), static_cast<const uint8_t*>(o.mask.data),
      static_cast<const float*>(o.cos.data), static_cast<const float*>(o.sin.data),
      static_cast<const float*>(o.tgt.data), static_cast<float*>(grad.data));
  napi_value r;
  napi_create_double(env, loss, &r);
  return r;
}

// step(dims, params, ids, mask, cos, sin, tgt, m, v, hyper[7], out[2]): updates params, m, v in place
napi_value Step(napi_env env, napi_callback_info info) {
  size_t argc = 11;
  napi_value a[11];
  napi_get_cb_info(env, info, &argc, a, nullptr, nullptr);
  Args o;
  View m, v, hyper, out;
  if (argc < 11 || !batchArgs(env, a, &o) ||
      !typed(env, a[7], napi_float32_array, "m must be a Float32Array", &m) ||
      !typed(env, a[8], napi_float32_array, "v must be a Float32Array", &v) ||
      !typed(env, a[9], napi_float64_array, "hyper must be a Float64Array", &hyper) ||
      !typed(env, a[10], napi_float64_array, "out must be a Float64Array", &out) ||
      !sized(env, m, o.params.len, "m must be as long as params") ||
      !sized(env, v, o.params.len, "v must be as long as params") || !sized(env, hyper, 7, "hyper must hold 7") ||
      !sized(env, out, 2, "out must hold 2"))
    return nullptr;
  cr_step(static_cast<const int32_t*>(o.dims.data), static_cast<float*>(o.params.data),
          static_cast<float*>(m.data), static_cast<float*>(v.data), static_cast<const int32_t*>(o.ids.data),
          static_cast<const uint8_t*>(o.mask.data), static_cast<const float*>(o.cos.data),
          static_cast<const float*>(o.sin.data), static_cast<const float*>(o.tgt.data),
          static_cast<const double*>(hyper.data), static_cast<double*>(out.data));
  return nullptr;
}

napi_value Init(napi_env env, napi_value exports) {
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) {
    napi_throw_error(env, "LMOS_NATIVE_CPU", "lmos native step: this CPU lacks AVX2+FMA (use --backend jax)");
    return nullptr;
  }
  napi_property_descriptor props[] = {
      {"lossGrad", nullptr, LossGrad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"step", nullptr, Step, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, 2, props);
  return exports;
}

}  // namespace

NAPI_MODULE(lmos_cr, Init)
