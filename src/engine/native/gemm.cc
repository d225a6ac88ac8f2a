// latentlab's native matrix product for Node: C = op(A) op(B) (+ bias, then relu) in float32, split over the CPU's
// cores, reading and writing the wasm backend's memory in place (see src/engine/native-kernels.ts).
//
// The method is the one every fast BLAS uses (K. Goto and R. van de Geijn, "Anatomy of High-Performance Matrix
// Multiplication", ACM TOMS 2008): B is packed into panels of NR columns and A into panels of MR rows, one block of
// KC steps of the inner dimension at a time, so that an MR x NR tile of C stays in registers while the micro-kernel
// streams both panels: 6x16 in twelve AVX2 registers with FMA, or 12x32 in twenty-four AVX-512 registers where the
// CPU has them (chosen when the module loads). Transposed operands only change how the panels are packed.
//
// Every element of C is a chain of fused multiply-adds over k in increasing order, in blocks of KC added to C, so
// the bits do not depend on the thread count (threads split C by columns) nor on the instruction set.
#include <node_api.h>

#include <algorithm>
#include <climits>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <immintrin.h>

namespace {

constexpr int KC = 256;
constexpr int MC = 96;    // a multiple of every MR below
constexpr int NC = 2048;  // a multiple of every NR below

// A strided view of a matrix: element (i, j) is at data[i * rs + j * cs].
struct View {
  const float* data;
  int64_t rs;
  int64_t cs;
};

// Pack rows [i0, i0 + mc) and inner steps [p0, p0 + kc) of A into panels of MR rows: panel r holds, for each k, the
// MR values A(i0 + r*MR + 0..MR-1, p0 + k), zero beyond the last row.
template <int MR>
void packA(const View& a, int i0, int mc, int p0, int kc, float* out) {
  for (int r = 0; r < mc; r += MR) {
    const int rows = std::min(MR, mc - r);
    for (int k = 0; k < kc; k++) {
      const float* src = a.data + (int64_t)(i0 + r) * a.rs + (int64_t)(p0 + k) * a.cs;
      int i = 0;
      for (; i < rows; i++) out[i] = src[i * a.rs];
      for (; i < MR; i++) out[i] = 0.f;
      out += MR;
    }
  }
}

// Pack inner steps [p0, p0 + kc) and columns [j0, j0 + nc) of B into panels of NR columns, zero beyond the last.
template <int NR>
void packB(const View& b, int p0, int kc, int j0, int nc, float* out) {
  for (int c = 0; c < nc; c += NR) {
    const int cols = std::min(NR, nc - c);
    for (int k = 0; k < kc; k++) {
      const float* src = b.data + (int64_t)(p0 + k) * b.rs + (int64_t)(j0 + c) * b.cs;
      if (cols == NR && b.cs == 1) {
        std::memcpy(out, src, NR * sizeof(float));
      } else {
        int j = 0;
        for (; j < cols; j++) out[j] = src[j * b.cs];
        for (; j < NR; j++) out[j] = 0.f;
      }
      out += NR;
    }
  }
}

// Write an MR x NR tile held in `tile` to C: C = tile on the first block of k, C += tile after, for the rows x cols
// of C that exist.
template <int MR, int NR>
inline void storeEdge(const float (&tile)[MR][NR], float* c, int64_t ldc, int rows, int cols, bool first) {
  for (int i = 0; i < rows; i++)
    for (int j = 0; j < cols; j++) c[i * ldc + j] = first ? tile[i][j] : c[i * ldc + j] + tile[i][j];
}

// The 6x16 tile on AVX2 + FMA: twelve 8-lane accumulators, acc = sum_k a[k] b[k]^T.
struct Avx2 {
  static constexpr int MR = 6;
  static constexpr int NR = 16;
  __attribute__((target("avx2,fma"))) static void kernel(int kc, const float* a, const float* b, float* c,
                                                          int64_t ldc, int rows, int cols, bool first) {
    __m256 acc[MR][2];
    for (int i = 0; i < MR; i++) acc[i][0] = acc[i][1] = _mm256_setzero_ps();
    for (int k = 0; k < kc; k++) {
      const __m256 b0 = _mm256_load_ps(b);
      const __m256 b1 = _mm256_load_ps(b + 8);
      for (int i = 0; i < MR; i++) {
        const __m256 ai = _mm256_broadcast_ss(a + i);
        acc[i][0] = _mm256_fmadd_ps(ai, b0, acc[i][0]);
        acc[i][1] = _mm256_fmadd_ps(ai, b1, acc[i][1]);
      }
      a += MR;
      b += NR;
    }
    if (rows == MR && cols == NR) {
      for (int i = 0; i < MR; i++) {
        float* ci = c + i * ldc;
        if (!first) {
          acc[i][0] = _mm256_add_ps(_mm256_loadu_ps(ci), acc[i][0]);
          acc[i][1] = _mm256_add_ps(_mm256_loadu_ps(ci + 8), acc[i][1]);
        }
        _mm256_storeu_ps(ci, acc[i][0]);
        _mm256_storeu_ps(ci + 8, acc[i][1]);
      }
      return;
    }
    alignas(64) float tile[MR][NR];
    for (int i = 0; i < MR; i++) {
      _mm256_store_ps(tile[i], acc[i][0]);
      _mm256_store_ps(tile[i] + 8, acc[i][1]);
    }
    storeEdge<MR, NR>(tile, c, ldc, rows, cols, first);
  }
};

// The 12x32 tile on AVX-512: twenty-four 16-lane accumulators.
struct Avx512 {
  static constexpr int MR = 12;
  static constexpr int NR = 32;
  __attribute__((target("avx512f"))) static void kernel(int kc, const float* a, const float* b, float* c,
                                                        int64_t ldc, int rows, int cols, bool first) {
    __m512 acc[MR][2];
    for (int i = 0; i < MR; i++) acc[i][0] = acc[i][1] = _mm512_setzero_ps();
    for (int k = 0; k < kc; k++) {
      const __m512 b0 = _mm512_load_ps(b);
      const __m512 b1 = _mm512_load_ps(b + 16);
      for (int i = 0; i < MR; i++) {
        const __m512 ai = _mm512_set1_ps(a[i]);
        acc[i][0] = _mm512_fmadd_ps(ai, b0, acc[i][0]);
        acc[i][1] = _mm512_fmadd_ps(ai, b1, acc[i][1]);
      }
      a += MR;
      b += NR;
    }
    if (rows == MR && cols == NR) {
      for (int i = 0; i < MR; i++) {
        float* ci = c + i * ldc;
        if (!first) {
          acc[i][0] = _mm512_add_ps(_mm512_loadu_ps(ci), acc[i][0]);
          acc[i][1] = _mm512_add_ps(_mm512_loadu_ps(ci + 16), acc[i][1]);
        }
        _mm512_storeu_ps(ci, acc[i][0]);
        _mm512_storeu_ps(ci + 16, acc[i][1]);
      }
      return;
    }
    alignas(64) float tile[MR][NR];
    for (int i = 0; i < MR; i++) {
      _mm512_store_ps(tile[i], acc[i][0]);
      _mm512_store_ps(tile[i] + 16, acc[i][1]);
    }
    storeEdge<MR, NR>(tile, c, ldc, rows, cols, first);
  }
};

// C[:, j0:j0+n] = A B[:, j0:j0+n] for one matrix of a batch, with this thread's packing buffers.
template <typename Isa>
void gemmColumns(const View& a, const View& b, float* c, int64_t ldc, int m, int k, int j0, int n, float* packedA,
                 float* packedB) {
  constexpr int MR = Isa::MR, NR = Isa::NR;
  if (k == 0) {
    for (int i = 0; i < m; i++) std::fill(c + i * ldc + j0, c + i * ldc + j0 + n, 0.f);
    return;
  }
  for (int jc = j0; jc < j0 + n; jc += NC) {
    const int nc = std::min(NC, j0 + n - jc);
    for (int pc = 0; pc < k; pc += KC) {
      const int kc = std::min(KC, k - pc);
      packB<NR>(b, pc, kc, jc, nc, packedB);
      for (int ic = 0; ic < m; ic += MC) {
        const int mc = std::min(MC, m - ic);
        packA<MR>(a, ic, mc, pc, kc, packedA);
        for (int jr = 0; jr < nc; jr += NR)
          for (int ir = 0; ir < mc; ir += MR)
            Isa::kernel(kc, packedA + ir * kc, packedB + jr * kc, c + (ic + ir) * ldc + jc + jr, ldc,
                        std::min(MR, mc - ir), std::min(NR, nc - jr), pc == 0);
      }
    }
  }
}

// A fixed pool of worker threads; run(parts, fn) calls fn(0..parts-1), part 0 on the calling thread. A worker spins
// for a while after each task before it sleeps: a training step asks for a product every few hundred microseconds,
// and waking a sleeping thread costs a good part of a small product.
class Pool {
 public:
  explicit Pool(int workers) {
    for (int w = 0; w < workers; w++) threads_.emplace_back([this, w] { loop(w + 1); });
  }
  ~Pool() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
      generation_.fetch_add(1);
    }
    wake_.notify_all();
    for (auto& t : threads_) t.join();
  }
  int size() const { return (int)threads_.size() + 1; }

  void run(int parts, const std::function<void(int)>& fn) {
    if (parts <= 1 || threads_.empty()) {
      for (int p = 0; p < parts; p++) fn(p);
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      task_ = &fn;
      parts_ = parts;
      pending_.store(parts - 1);
      generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    fn(0);
    while (pending_.load(std::memory_order_acquire) != 0) _mm_pause();
  }

 private:
  // About a millisecond of spinning on this generation of processors before a worker sleeps.
  static constexpr int kSpins = 1 << 15;

  void loop(int index) {
    uint64_t seen = 0;
    for (;;) {
      for (int spin = 0; spin < kSpins && generation_.load(std::memory_order_acquire) == seen; spin++) _mm_pause();
      const std::function<void(int)>* task;
      int parts;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return generation_.load() != seen; });
        seen = generation_.load();
        if (stop_) return;
        task = task_;
        parts = parts_;
      }
      if (index < parts) {
        (*task)(index);
        pending_.fetch_sub(1, std::memory_order_acq_rel);
      }
    }
  }

  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable wake_;
  const std::function<void(int)>* task_ = nullptr;
  int parts_ = 0;
  std::atomic<int> pending_{0};
  std::atomic<uint64_t> generation_{0};
  bool stop_ = false;
};

std::mutex callMutex;
Pool* pool = nullptr;
int threadsInUse = 1;
// What this CPU runs, found once when the module loads.
bool cpuAvx2 = false, cpuAvx512 = false, kernelReady = false, useAvx512 = false;

// Packing buffers 64-byte aligned, so a panel row of 16 floats is one cache line.
struct Buffer {
  explicit Buffer(size_t n) : data(static_cast<float*>(std::aligned_alloc(64, (n * sizeof(float) + 63) / 64 * 64))) {}
  Buffer(Buffer&& other) noexcept : data(other.data) { other.data = nullptr; }
  ~Buffer() { std::free(data); }
  float* data;
};
std::vector<Buffer> packedAs, packedBs;

// Below this many multiply-adds a product runs on one thread: handing work to another costs more than it saves.
constexpr double kMinParallelWork = 1 << 21;

struct Product {
  const float* a;
  const float* b;
  float* c;
  int batchA, batchB, m, k, n;
  bool transA, transB;
  const float* bias;  // n values added to every row, or null
  bool relu;          // then max(0, .)
};

// C[:, j0:j0+n] += bias[j0:j0+n], then relu, after the product: the fused product's epilogue.
void epilogue(const Product& p, float* c, int j0, int n) {
  if (p.bias == nullptr && !p.relu) return;
  for (int i = 0; i < p.m; i++) {
    float* row = c + (int64_t)i * p.n;
    for (int j = j0; j < j0 + n; j++) {
      float v = p.bias != nullptr ? row[j] + p.bias[j] : row[j];
      row[j] = p.relu && v < 0.f ? 0.f : v;  // NaN stays NaN, as in TensorFlow.js
    }
  }
}

template <typename Isa>
void runProduct(const Product& p) {
  constexpr int NR = Isa::NR;
  const int batch = std::max(p.batchA, p.batchB);
  const int64_t sizeA = (int64_t)p.m * p.k, sizeB = (int64_t)p.k * p.n, sizeC = (int64_t)p.m * p.n;
  // A is [m, k] (or [k, m] transposed), B is [k, n] (or [n, k] transposed), all row-major.
  const int64_t rsA = p.transA ? 1 : p.k, csA = p.transA ? p.m : 1;
  const int64_t rsB = p.transB ? 1 : p.n, csB = p.transB ? p.k : 1;
  const double work = (double)batch * p.m * p.n * p.k;
  int parts = pool == nullptr || work < kMinParallelWork ? 1 : pool->size();
  // Columns per thread, whole panels, so no thread gets a sliver.
  const int per = std::max(NR, (p.n + parts * NR - 1) / (parts * NR) * NR);
  parts = std::max(1, std::min(parts, (p.n + per - 1) / per));
  while ((int)packedAs.size() < parts) {
    packedAs.emplace_back((size_t)MC * KC);
    packedBs.emplace_back((size_t)KC * NC);
  }
  auto part = [&](int t) {
    const int j0 = t * per;
    const int n = std::min(per, p.n - j0);
    if (n <= 0) return;
    for (int s = 0; s < batch; s++) {
      const View a{p.a + (p.batchA == 1 ? 0 : s * sizeA), rsA, csA};
      const View b{p.b + (p.batchB == 1 ? 0 : s * sizeB), rsB, csB};
      gemmColumns<Isa>(a, b, p.c + s * sizeC, p.n, p.m, p.k, j0, n, packedAs[t].data, packedBs[t].data);
      epilogue(p, p.c + s * sizeC, j0, n);
    }
  };
  if (parts <= 1)
    part(0);
  else
    pool->run(parts, part);
}

// --- Node-API -------------------------------------------------------------------------------------------------

napi_value Throw(napi_env env, const char* message) {
  napi_throw_error(env, nullptr, message);
  return nullptr;
}

// matMul(memory, aOffset, bOffset, cOffset, batchA, batchB, m, k, n, transA, transB, biasOffset, relu): byte
// offsets of float32 arrays in the ArrayBuffer `memory`; C is written in place. biasOffset -1: no bias.
napi_value MatMul(napi_env env, napi_callback_info info) {
  constexpr size_t kArgs = 13;
  size_t argc = kArgs;
  napi_value args[kArgs];
  napi_get_cb_info(env, info, &argc, args, nullptr, nullptr);
  if (argc != kArgs) return Throw(env, "matMul: expected 13 arguments");
  if (!kernelReady) return Throw(env, "matMul: this CPU has neither AVX2 with FMA nor AVX-512");
  void* base = nullptr;
  size_t length = 0;
  if (napi_get_arraybuffer_info(env, args[0], &base, &length) != napi_ok)
    return Throw(env, "matMul: argument 'memory' must be an ArrayBuffer");
  int64_t ints[9];
  for (int i = 0; i < 8; i++)
    if (napi_get_value_int64(env, args[i + 1], &ints[i]) != napi_ok)
      return Throw(env, "matMul: offsets and sizes must be numbers");
  if (napi_get_value_int64(env, args[11], &ints[8]) != napi_ok)
    return Throw(env, "matMul: argument 'biasOffset' must be a number");
  bool transA = false, transB = false, relu = false;
  if (napi_get_value_bool(env, args[9], &transA) != napi_ok || napi_get_value_bool(env, args[10], &transB) != napi_ok ||
      napi_get_value_bool(env, args[12], &relu) != napi_ok)
    return Throw(env, "matMul: transA, transB and relu must be booleans");
  const int64_t aOff = ints[0], bOff = ints[1], cOff = ints[2], biasOff = ints[8];
  const int64_t batchA = ints[3], batchB = ints[4], m = ints[5], k = ints[6], n = ints[7];
  const int64_t limit = INT32_MAX;
  if (batchA < 1 || batchB < 1 || m < 0 || k < 0 || n < 0 || m > limit || k > limit || n > limit ||
      (batchA != batchB && batchA != 1 && batchB != 1))
    return Throw(env, "matMul: the batch sizes must agree or be 1, and m, k, n must be sizes");
  const int64_t batch = std::max(batchA, batchB);
  const auto fits = [&](int64_t offset, int64_t count) {
    return offset >= 0 && offset % 4 == 0 && offset + count * 4 <= (int64_t)length;
  };
  if (!fits(aOff, batchA * m * k) || !fits(bOff, batchB * k * n) || !fits(cOff, batch * m * n) ||
      (biasOff != -1 && !fits(biasOff, n)))
    return Throw(env, "matMul: an operand lies outside the memory");
  // The pool and the packing buffers are this module's own: one product at a time, whichever thread asks.
  std::lock_guard<std::mutex> lock(callMutex);
  auto* bytes = static_cast<uint8_t*>(base);
  const auto at = [&](int64_t offset) { return reinterpret_cast<float*>(bytes + offset); };
  const Product product{at(aOff), at(bOff), at(cOff), (int)batchA, (int)batchB, (int)m, (int)k, (int)n,
                        transA,   transB,   biasOff == -1 ? nullptr : at(biasOff), relu};
  if (useAvx512)
    runProduct<Avx512>(product);
  else
    runProduct<Avx2>(product);
  return nullptr;
}

// setThreads(n): use n threads (the caller's and n - 1 workers) from now on; returns the count in use.
napi_value SetThreads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg;
  napi_get_cb_info(env, info, &argc, &arg, nullptr, nullptr);
  int32_t n = 0;
  if (argc != 1 || napi_get_value_int32(env, arg, &n) != napi_ok || n < 1)
    return Throw(env, "setThreads: argument 'threads' must be a positive integer");
  std::lock_guard<std::mutex> lock(callMutex);
  if (n != threadsInUse) {
    delete pool;
    pool = n > 1 ? new Pool(n - 1) : nullptr;
    threadsInUse = n;
  }
  napi_value result;
  napi_create_int32(env, n, &result);
  return result;
}

// isa(): the instruction set the products run on, 'avx512' or 'avx2', or '' where this CPU has neither (then
// matMul refuses to run). isa(name): use that one instead ('avx2' on an AVX-512 machine; the tests compare them).
napi_value Isa(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg;
  napi_get_cb_info(env, info, &argc, &arg, nullptr, nullptr);
  if (argc == 1) {
    char name[16] = {0};
    size_t len = 0;
    if (napi_get_value_string_utf8(env, arg, name, sizeof(name), &len) != napi_ok)
      return Throw(env, "isa: argument 'name' must be a string");
    const std::string wanted(name, len);
    if (wanted == "avx2" && cpuAvx2)
      useAvx512 = false;
    else if (wanted == "avx512" && cpuAvx512)
      useAvx512 = true;
    else
      return Throw(env, "isa: expected 'avx2' or 'avx512', and one this CPU has");
  }
  napi_value result;
  const char* name = !kernelReady ? "" : useAvx512 ? "avx512" : "avx2";
  napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &result);
  return result;
}

napi_value HardwareThreads(napi_env env, napi_callback_info) {
  napi_value result;
  napi_create_int32(env, (int32_t)std::thread::hardware_concurrency(), &result);
  return result;
}

napi_value Init(napi_env env, napi_value exports) {
  __builtin_cpu_init();
  cpuAvx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  cpuAvx512 = cpuAvx2 && __builtin_cpu_supports("avx512f");
  kernelReady = cpuAvx2;
  useAvx512 = cpuAvx512;
  const napi_property_descriptor props[] = {
      {"matMul", nullptr, MatMul, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setThreads", nullptr, SetThreads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"isa", nullptr, Isa, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"hardwareThreads", nullptr, HardwareThreads, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
