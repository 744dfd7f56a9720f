// softmax, softmaxBackward, crossEntropyForward/Backward, pointLoss, pointLossBackward.
#include <cstdint>

#include "binding/args.h"
#include "binding/families.h"
#include "kernels/softmax_loss.h"

namespace tl {

namespace {

using softmax_loss::PointLoss;

// softmax(x, outer, n, inner, out, log)
Napi::Value Softmax(const Napi::CallbackInfo& info) {
  const char* op = "softmax";
  Napi::Env env = info.Env();
  RequireArgs(info, op, 6);
  Array x = ArgArray(info, 0, op, "x", kFloat);
  View3 v = ArgView3(info, 1, op);
  Array out = ArgArray(info, 4, op, "out", kFloat);
  bool log = ArgBool(info, 5, op, "log");
  RequireSameDtype(env, op, "x", x, "out", out);
  RequireView3(env, op, "x", x, v);
  RequireSameLength(env, op, "x", x, "out", out);
  RequireSameOrDisjoint(env, op, "out", out, "x", x);
  if (x.dtype == Dtype::F32)
    softmax_loss::softmax<float>(v.outer, v.n, v.inner, x.as<float>(), out.as<float>(), log);
  else
    softmax_loss::softmax<double>(v.outer, v.n, v.inner, x.as<double>(), out.as<double>(), log);
  return env.Undefined();
}

// softmaxBackward(y, gy, outer, n, inner, gx, log)
Napi::Value SoftmaxBackward(const Napi::CallbackInfo& info) {
  const char* op = "softmaxBackward";
  Napi::Env env = info.Env();
  RequireArgs(info, op, 7);
  Array y = ArgArray(info, 0, op, "y", kFloat);
  Array gy = ArgArray(info, 1, op, "gy", kFloat);
  View3 v = ArgView3(info, 2, op);
  Array gx = ArgArray(info, 5, op, "gx", kFloat);
  bool log = ArgBool(info, 6, op, "log");
  RequireSameDtype(env, op, "y", y, "gy", gy);
  RequireSameDtype(env, op, "y", y, "gx", gx);
  RequireView3(env, op, "y", y, v);
  RequireSameLength(env, op, "y", y, "gy", gy);
  RequireSameLength(env, op, "y", y, "gx", gx);
  RequireSameOrDisjoint(env, op, "gx", gx, "y", y);
  RequireSameOrDisjoint(env, op, "gx", gx, "gy", gy);
  if (y.dtype == Dtype::F32)
    softmax_loss::softmax_backward<float>(v.outer, v.n, v.inner, y.as<float>(), gy.as<float>(), gx.as<float>(), log);
  else
    softmax_loss::softmax_backward<double>(v.outer, v.n, v.inner, y.as<double>(), gy.as<double>(), gx.as<double>(),
                                           log);
  return env.Undefined();
}

// n*c as a length, RangeError past 2^53.
size_t RowsTimesCols(Napi::Env env, const char* op, int64_t n, int64_t c) {
  unsigned __int128 p = static_cast<unsigned __int128>(n) * static_cast<unsigned __int128>(c);
  if (p > (static_cast<unsigned __int128>(1) << 53))
    ThrowRange(env, std::string(op) + ": n*c = " + std::to_string(n) + "*" + std::to_string(c) + " is too large");
  return static_cast<size_t>(p);
}

// Every target in [0, c) before anything is written.
void CheckTargets(Napi::Env env, const char* who, const Array& target, int64_t c) {
  const int32_t* t = target.as<int32_t>();
  for (size_t i = 0; i < target.length; i++)
    if (t[i] < 0 || t[i] >= c)
      ThrowRange(env, std::string(who) + ": target " + std::to_string(t[i]) + " out of range for " + std::to_string(c) +
                          " classes");
}

// crossEntropyForward(logits, target, n, c, losses, logProbs)
Napi::Value CrossEntropyForward(const Napi::CallbackInfo& info) {
  const char* op = "crossEntropyForward";
  Napi::Env env = info.Env();
  RequireArgs(info, op, 6);
  Array logits = ArgArray(info, 0, op, "logits", kFloat);
  Array target = ArgArray(info, 1, op, "target", kI32);
  int64_t n = ArgInt(info, 2, op, "n");
  int64_t c = ArgInt(info, 3, op, "c");
  Array losses = ArgArray(info, 4, op, "losses", kFloat);
  Array lp = ArgArray(info, 5, op, "logProbs", kFloat);
  RequireSameDtype(env, op, "logits", logits, "losses", losses);
  RequireSameDtype(env, op, "logits", logits, "logProbs", lp);
  const size_t nc = RowsTimesCols(env, op, n, c);
  RequireLength(env, op, "logits", logits, nc);
  RequireLength(env, op, "target", target, static_cast<size_t>(n));
  RequireLength(env, op, "losses", losses, static_cast<size_t>(n));
  RequireLength(env, op, "logProbs", lp, nc);
  // logProbs may be logits (each row is read before it is written); losses is
  // written row by row while logits and logProbs are still read; target is
  // read after logProbs rows are written (an overwritten target would index
  // out of range), so those must be disjoint.
  RequireSameOrDisjoint(env, op, "logProbs", lp, "logits", logits);
  RequireDisjoint(env, op, "losses", losses, "logits", logits);
  RequireDisjoint(env, op, "losses", losses, "logProbs", lp);
  RequireDisjoint(env, op, "losses", losses, "target", target);
  RequireDisjoint(env, op, "logProbs", lp, "target", target);
  CheckTargets(env, "crossEntropy", target, c);
  if (logits.dtype == Dtype::F32)
    softmax_loss::cross_entropy_forward<float>(n, c, logits.as<float>(), target.as<int32_t>(), losses.as<float>(),
                                               lp.as<float>());
  else
    softmax_loss::cross_entropy_forward<double>(n, c, logits.as<double>(), target.as<int32_t>(),
                                                losses.as<double>(), lp.as<double>());
  return env.Undefined();
}

// gOut-style argument: length 1 (broadcast, stride 0) or `n` (stride 1).
int64_t BroadcastStride(Napi::Env env, const char* op, const char* name, const Array& g, size_t n) {
  if (g.length == n && n != 1) return 1;
  if (g.length == 1) return 0;
  if (n == 0 && g.length == 0) return 1;
  ThrowRange(env, std::string(op) + ": argument '" + name + "' has length " + std::to_string(g.length) +
                      ", expected 1 or " + std::to_string(n));
}

// crossEntropyBackward(logProbs, target, n, c, gLoss, gLogits)
Napi::Value CrossEntropyBackward(const Napi::CallbackInfo& info) {
  const char* op = "crossEntropyBackward";
  Napi::Env env = info.Env();
  RequireArgs(info, op, 6);
  Array lp = ArgArray(info, 0, op, "logProbs", kFloat);
  Array target = ArgArray(info, 1, op, "target", kI32);
  int64_t n = ArgInt(info, 2, op, "n");
  int64_t c = ArgInt(info, 3, op, "c");
  Array g = ArgArray(info, 4, op, "gLoss", kFloat);
  Array gl = ArgArray(info, 5, op, "gLogits", kFloat);
  RequireSameDtype(env, op, "logProbs", lp, "gLoss", g);
  RequireSameDtype(env, op, "logProbs", lp, "gLogits", gl);
  const size_t nc = RowsTimesCols(env, op, n, c);
  RequireLength(env, op, "logProbs", lp, nc);
  RequireLength(env, op, "target", target, static_cast<size_t>(n));
  RequireLength(env, op, "gLogits", gl, nc);
  const int64_t gs = BroadcastStride(env, op, "gLoss", g, static_cast<size_t>(n));
  // gLogits may be logProbs (read before written, row by row); gLoss and
  // target are read for row i after rows < i are written, so they must be
  // disjoint from gLogits (an overwritten target would index out of range).
  RequireSameOrDisjoint(env, op, "gLogits", gl, "logProbs", lp);
  RequireDisjoint(env, op, "gLogits", gl, "gLoss", g);
  RequireDisjoint(env, op, "gLogits", gl, "target", target);
  CheckTargets(env, op, target, c);
  if (n == 0) return env.Undefined();
  if (lp.dtype == Dtype::F32)
    softmax_loss::cross_entropy_backward<float>(n, c, lp.as<float>(), target.as<int32_t>(), g.as<float>(), gs,
                                                gl.as<float>());
  else
    softmax_loss::cross_entropy_backward<double>(n, c, lp.as<double>(), target.as<int32_t>(), g.as<double>(), gs,
                                                 gl.as<double>());
  return env.Undefined();
}

PointLoss ArgPointLoss(const Napi::CallbackInfo& info, const char* op) {
  return static_cast<PointLoss>(ArgInt(info, 0, op, "kind", 0, static_cast<int64_t>(PointLoss::Count) - 1));
}

// Targets in [0, c) or equal to ignoreIndex, before anything is written.
void CheckTargetsIgnoring(Napi::Env env, const Array& target, int64_t c, int64_t ignore) {
  const int32_t* t = target.as<int32_t>();
  for (size_t i = 0; i < target.length; i++)
    if (t[i] != ignore && (t[i] < 0 || t[i] >= c))
      ThrowRange(env, "crossEntropy: target " + std::to_string(t[i]) + " out of range for " + std::to_string(c) +
                          " classes");
}

// The optional class weights: null, or c values of the logits' type.
Array ArgClassWeight(const Napi::CallbackInfo& info, size_t i, const char* op, const Array& like, int64_t c,
                     bool* present) {
  *present = !(info[i].IsNull() || info[i].IsUndefined());
  Array w = ArgArrayOrNull(info, i, op, "weight", kFloat);
  if (*present) {
    RequireSameDtype(info.Env(), op, "logits", like, "weight", w);
    RequireLength(info.Env(), op, "weight", w, static_cast<size_t>(c));
  }
  return w;
}

double ArgSmoothing(const Napi::CallbackInfo& info, size_t i, const char* op) {
  const double e = ArgNumber(info, i, op, "labelSmoothing");
  if (!(e >= 0 && e <= 1))
    ThrowRange(info.Env(), std::string(op) + ": argument 'labelSmoothing' must be in [0, 1], got " + JsNumber(e));
  return e;
}

// crossEntropyExForward(logits, target, weight, ignoreIndex, labelSmoothing, n, c, losses, rowWeights, logProbs)
Napi::Value CrossEntropyExForward(const Napi::CallbackInfo& info) {
  const char* op = "crossEntropyExForward";
  Napi::Env env = info.Env();
  RequireArgs(info, op, 10);
  Array logits = ArgArray(info, 0, op, "logits", kFloat);
  Array target = ArgArray(info, 1, op, "target", kI32);
  const int64_t n = ArgInt(info, 5, op, "n");
  const int64_t c = ArgInt(info, 6, op, "c");
  bool has_w = false;
  Array w = ArgClassWeight(info, 2, op, logits, c, &has_w);
  const int64_t ignore = ArgInt(info, 3, op, "ignoreIndex", INT32_MIN, INT32_MAX);
  const double eps = ArgSmoothing(info, 4, op);
  Array losses = ArgArray(info, 7, op, "losses", kFloat);
  Array rw = ArgArray(info, 8, op, "rowWeights", kFloat);
  Array lp = ArgArray(info, 9, op, "logProbs", kFloat);
  RequireSameDtype(env, op, "logits", logits, "losses", losses);
  RequireSameDtype(env, op, "logits", logits, "rowWeights", rw);
  RequireSameDtype(env, op, "logits", logits, "logProbs", lp);
  const size_t nc = RowsTimesCols(env, op, n, c);
  RequireLength(env, op, "logits", logits, nc);
  RequireLength(env, op, "target", target, static_cast<size_t>(n));
  RequireLength(env, op, "losses", losses, static_cast<size_t>(n));
  RequireLength(env, op, "rowWeights", rw, static_cast<size_t>(n));
  RequireLength(env, op, "logProbs", lp, nc);
  RequireSameOrDisjoint(env, op, "logProbs", lp, "logits", logits);
  const Array* outs[] = {&losses, &rw};
  const char* onames[] = {"losses", "rowWeights"};
  for (int k = 0; k < 2; k++) {
    RequireDisjoint(env, op, onames[k], *outs[k], "logits", logits);
    RequireDisjoint(env, op, onames[k], *outs[k], "logProbs", lp);
    RequireDisjoint(env, op, onames[k], *outs[k], "target", target);
    if (has_w) RequireDisjoint(env, op, onames[k], *outs[k], "weight", w);
  }
  RequireDisjoint(env, op, "losses", losses, "rowWeights", rw);
  RequireDisjoint(env, op, "logProbs", lp, "target", target);
  if (has_w) RequireDisjoint(env, op, "logProbs", lp, "weight", w);
  CheckTargetsIgnoring(env, target, c, ignore);
  if (logits.dtype == Dtype::F32)
    softmax_loss::cross_entropy_ex_forward<float>(n, c, logits.as<float>(), target.as<int32_t>(),
                                                  has_w ? w.as<float>() : nullptr, ignore, eps, losses.as<float>(),
                                                  rw.as<float>(), lp.as<float>());
  else
    softmax_loss::cross_entropy_ex_forward<double>(n, c, logits.as<double>(), target.as<int32_t>(),
                                                   has_w ? w.as<double>() : nullptr, ignore, eps,
                                                   losses.as<double>(), rw.as<double>(), lp.as<double>());
  return env.Undefined();
}

// crossEntropyExBackward(logProbs, target, weight, ignoreIndex, labelSmoothing, n, c, gLoss, gLogits)
Napi::Value CrossEntropyExBackward(const Napi::CallbackInfo& info) {
  const char* op = "crossEntropyExBackward";
  Napi::Env env = info.Env();
  RequireArgs(info, op, 9);
  Array lp = ArgArray(info, 0, op, "logProbs", kFloat);
  Array target = ArgArray(info, 1, op, "target", kI32);
  const int64_t n = ArgInt(info, 5, op, "n");
  const int64_t c = ArgInt(info, 6, op, "c");
  bool has_w = false;
  Array w = ArgClassWeight(info, 2, op, lp, c, &has_w);
  const int64_t ignore = ArgInt(info, 3, op, "ignoreIndex", INT32_MIN, INT32_MAX);
  const double eps = ArgSmoothing(info, 4, op);
  Array g = ArgArray(info, 7, op, "gLoss", kFloat);
  Array gl = ArgArray(info, 8, op, "gLogits", kFloat);
  RequireSameDtype(env, op, "logProbs", lp, "gLoss", g);
  RequireSameDtype(env, op, "logProbs", lp, "gLogits", gl);
  const size_t nc = RowsTimesCols(env, op, n, c);
  RequireLength(env, op, "logProbs", lp, nc);
  RequireLength(env, op, "target", target, static_cast<size_t>(n));
  RequireLength(env, op, "gLogits", gl, nc);
  const int64_t gs = BroadcastStride(env, op, "gLoss", g, static_cast<size_t>(n));
  RequireSameOrDisjoint(env, op, "gLogits", gl, "logProbs", lp);
  RequireDisjoint(env, op, "gLogits", gl, "gLoss", g);
  RequireDisjoint(env, op, "gLogits", gl, "target", target);
  if (has_w) RequireDisjoint(env, op, "gLogits", gl, "weight", w);
  CheckTargetsIgnoring(env, target, c, ignore);
  if (n == 0) return env.Undefined();
  if (lp.dtype == Dtype::F32)
    softmax_loss::cross_entropy_ex_backward<float>(n, c, lp.as<float>(), target.as<int32_t>(),
                                                   has_w ? w.as<float>() : nullptr, ignore, eps, g.as<float>(), gs,
                                                   gl.as<float>());
  else
    softmax_loss::cross_entropy_ex_backward<double>(n, c, lp.as<double>(), target.as<int32_t>(),
                                                    has_w ? w.as<double>() : nullptr, ignore, eps, g.as<double>(), gs,
                                                    gl.as<double>());
  return env.Undefined();
}

// softCrossEntropyForward(logits, target, weight, n, c, losses, logProbs)
Napi::Value SoftCrossEntropyForward(const Napi::CallbackInfo& info) {
  const char* op = "softCrossEntropyForward";
  Napi::Env env = info.Env();
  RequireArgs(info, op, 7);
  Array logits = ArgArray(info, 0, op, "logits", kFloat);
  Array q = ArgArray(info, 1, op, "target", kFloat);
  const int64_t n = ArgInt(info, 3, op, "n");
  const int64_t c = ArgInt(info, 4, op, "c");
  bool has_w = false;
  Array w = ArgClassWeight(info, 2, op, logits, c, &has_w);
  Array losses = ArgArray(info, 5, op, "losses", kFloat);
  Array lp = ArgArray(info, 6, op, "logProbs", kFloat);
  RequireSameDtype(env, op, "logits", logits, "target", q);
  RequireSameDtype(env, op, "logits", logits, "losses", losses);
  RequireSameDtype(env, op, "logits", logits, "logProbs", lp);
  const size_t nc = RowsTimesCols(env, op, n, c);
  RequireLength(env, op, "logits", logits, nc);
  RequireLength(env, op, "target", q, nc);
  RequireLength(env, op, "losses", losses, static_cast<size_t>(n));
  RequireLength(env, op, "logProbs", lp, nc);
  RequireSameOrDisjoint(env, op, "logProbs", lp, "logits", logits);
  RequireDisjoint(env, op, "logProbs", lp, "target", q);
  RequireDisjoint(env, op, "losses", losses, "logits", logits);
  RequireDisjoint(env, op, "losses", losses, "logProbs", lp);
  RequireDisjoint(env, op, "losses", losses, "target", q);
  if (has_w) {
    RequireDisjoint(env, op, "losses", losses, "weight", w);
    RequireDisjoint(env, op, "logProbs", lp, "weight", w);
  }
  if (logits.dtype == Dtype::F32)
    softmax_loss::soft_cross_entropy_forward<float>(n, c, logits.as<float>(), q.as<float>(),
                                                    has_w ? w.as<float>() : nullptr, losses.as<float>(), lp.as<float>());
  else
    softmax_loss::soft_cross_entropy_forward<double>(n, c, logits.as<double>(), q.as<double>(),
                                                     has_w ? w.as<double>() : nullptr, losses.as<double>(),
                                                     lp.as<double>());
  return env.Undefined();
}

// softCrossEntropyBackward(logProbs, target, weight, n, c, gLoss, gLogits)
Napi::Value SoftCrossEntropyBackward(const Napi::CallbackInfo& info) {
  const char* op = "softCrossEntropyBackward";
  Napi::Env env = info.Env();
  RequireArgs(info, op, 7);
  Array lp = ArgArray(info, 0, op, "logProbs", kFloat);
  Array q = ArgArray(info, 1, op, "target", kFloat);
  const int64_t n = ArgInt(info, 3, op, "n");
  const int64_t c = ArgInt(info, 4, op, "c");
  bool has_w = false;
  Array w = ArgClassWeight(info, 2, op, lp, c, &has_w);
  Array g = ArgArray(info, 5, op, "gLoss", kFloat);
  Array gl = ArgArray(info, 6, op, "gLogits", kFloat);
  RequireSameDtype(env, op, "logProbs", lp, "target", q);
  RequireSameDtype(env, op, "logProbs", lp, "gLoss", g);
  RequireSameDtype(env, op, "logProbs", lp, "gLogits", gl);
  const size_t nc = RowsTimesCols(env, op, n, c);
  RequireLength(env, op, "logProbs", lp, nc);
  RequireLength(env, op, "target", q, nc);
  RequireLength(env, op, "gLogits", gl, nc);
  const int64_t gs = BroadcastStride(env, op, "gLoss", g, static_cast<size_t>(n));
  RequireSameOrDisjoint(env, op, "gLogits", gl, "logProbs", lp);
  RequireDisjoint(env, op, "gLogits", gl, "gLoss", g);
  RequireDisjoint(env, op, "gLogits", gl, "target", q);
  if (has_w) RequireDisjoint(env, op, "gLogits", gl, "weight", w);
  if (n == 0) return env.Undefined();
  if (lp.dtype == Dtype::F32)
    softmax_loss::soft_cross_entropy_backward<float>(n, c, lp.as<float>(), q.as<float>(),
                                                     has_w ? w.as<float>() : nullptr, g.as<float>(), gs,
                                                     gl.as<float>());
  else
    softmax_loss::soft_cross_entropy_backward<double>(n, c, lp.as<double>(), q.as<double>(),
                                                      has_w ? w.as<double>() : nullptr, g.as<double>(), gs,
                                                      gl.as<double>());
  return env.Undefined();
}

// SmoothL1's beta must be >= 0 (0 is L1 except for the gradient -1 at a zero
// difference, as PyTorch 1.13), Huber's delta > 0.
double ArgLossParam(const Napi::CallbackInfo& info, size_t i, const char* op, PointLoss kind) {
  const double p = ArgNumber(info, i, op, "param");
  if (kind == PointLoss::SmoothL1 && !(p >= 0))
    ThrowRange(info.Env(), std::string(op) + ": argument 'param' (beta) must be >= 0, got " + JsNumber(p));
  if (kind == PointLoss::Huber && !(p > 0))
    ThrowRange(info.Env(), std::string(op) + ": argument 'param' (delta) must be > 0, got " + JsNumber(p));
  return p;
}

// pointLoss(kind, input, target, out, param)
Napi::Value PointLossFwd(const Napi::CallbackInfo& info) {
  const char* op = "pointLoss";
  Napi::Env env = info.Env();
  RequireArgs(info, op, 5);
  PointLoss kind = ArgPointLoss(info, op);
  Array x = ArgArray(info, 1, op, "input", kFloat);
  Array y = ArgArray(info, 2, op, "target", kFloat);
  Array out = ArgArray(info, 3, op, "out", kFloat);
  const double param = ArgLossParam(info, 4, op, kind);
  RequireSameDtype(env, op, "input", x, "target", y);
  RequireSameDtype(env, op, "input", x, "out", out);
  RequireSameLength(env, op, "input", x, "target", y);
  RequireSameLength(env, op, "input", x, "out", out);
  RequireSameOrDisjoint(env, op, "out", out, "input", x);
  RequireSameOrDisjoint(env, op, "out", out, "target", y);
  if (x.dtype == Dtype::F32)
    softmax_loss::point_loss<float>(kind, x.length, x.as<float>(), y.as<float>(), out.as<float>(),
                                    static_cast<float>(param));
  else
    softmax_loss::point_loss<double>(kind, x.length, x.as<double>(), y.as<double>(), out.as<double>(), param);
  return env.Undefined();
}

// pointLossBackward(kind, input, target, gOut, gIn, param)
Napi::Value PointLossBwd(const Napi::CallbackInfo& info) {
  const char* op = "pointLossBackward";
  Napi::Env env = info.Env();
  RequireArgs(info, op, 6);
  PointLoss kind = ArgPointLoss(info, op);
  Array x = ArgArray(info, 1, op, "input", kFloat);
  Array y = ArgArray(info, 2, op, "target", kFloat);
  Array g = ArgArray(info, 3, op, "gOut", kFloat);
  Array gx = ArgArray(info, 4, op, "gIn", kFloat);
  const double param = ArgLossParam(info, 5, op, kind);
  RequireSameDtype(env, op, "input", x, "target", y);
  RequireSameDtype(env, op, "input", x, "gOut", g);
  RequireSameDtype(env, op, "input", x, "gIn", gx);
  RequireSameLength(env, op, "input", x, "target", y);
  RequireSameLength(env, op, "input", x, "gIn", gx);
  const int64_t gs = BroadcastStride(env, op, "gOut", g, x.length);
  RequireSameOrDisjoint(env, op, "gIn", gx, "input", x);
  RequireSameOrDisjoint(env, op, "gIn", gx, "target", y);
  RequireSameOrDisjoint(env, op, "gIn", gx, "gOut", g);
  if (x.length == 0) return env.Undefined();
  if (x.dtype == Dtype::F32)
    softmax_loss::point_loss_backward<float>(kind, x.length, x.as<float>(), y.as<float>(), g.as<float>(), gs,
                                             gx.as<float>(), static_cast<float>(param));
  else
    softmax_loss::point_loss_backward<double>(kind, x.length, x.as<double>(), y.as<double>(), g.as<double>(), gs,
                                              gx.as<double>(), param);
  return env.Undefined();
}

}  // namespace

void InitSoftmaxLoss(Napi::Env env, Napi::Object exports) {
  exports.Set("softmax", Napi::Function::New(env, Softmax, "softmax"));
  exports.Set("softmaxBackward", Napi::Function::New(env, SoftmaxBackward, "softmaxBackward"));
  exports.Set("crossEntropyForward", Napi::Function::New(env, CrossEntropyForward, "crossEntropyForward"));
  exports.Set("crossEntropyBackward", Napi::Function::New(env, CrossEntropyBackward, "crossEntropyBackward"));
  exports.Set("crossEntropyExForward", Napi::Function::New(env, CrossEntropyExForward, "crossEntropyExForward"));
  exports.Set("crossEntropyExBackward", Napi::Function::New(env, CrossEntropyExBackward, "crossEntropyExBackward"));
  exports.Set("softCrossEntropyForward", Napi::Function::New(env, SoftCrossEntropyForward, "softCrossEntropyForward"));
  exports.Set("softCrossEntropyBackward", Napi::Function::New(env, SoftCrossEntropyBackward, "softCrossEntropyBackward"));
  exports.Set("pointLoss", Napi::Function::New(env, PointLossFwd, "pointLoss"));
  exports.Set("pointLossBackward", Napi::Function::New(env, PointLossBwd, "pointLossBackward"));
}

}  // namespace tl
