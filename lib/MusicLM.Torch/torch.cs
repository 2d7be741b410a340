using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static MusicLM.Torch.Native.NativeMethods;

namespace MusicLM.Torch;

/// <summary>
/// The <c>torch</c> namespace of PyTorch: creation, joins, random numbers, grad mode, devices, threads.
/// </summary>
public static unsafe partial class torch
{
    public const ScalarType float32 = ScalarType.Float32;
    public const ScalarType float64 = ScalarType.Float64;
    public const ScalarType float16 = ScalarType.Float16;
    public const ScalarType bfloat16 = ScalarType.BFloat16;
    public const ScalarType int64 = ScalarType.Int64;
    public const ScalarType int32 = ScalarType.Int32;
    public const ScalarType uint8 = ScalarType.UInt8;
    public const ScalarType @bool = ScalarType.Bool;
    public const ScalarType complex64 = ScalarType.Complex64;

    /// <summary>The dtype new floating-point tensors get when none is given.</summary>
    public static ScalarType default_dtype { get; set; } = ScalarType.Float32;

    /// <summary>libtorch's version, e.g. "1.13.0".</summary>
    public static string version => Marshal.PtrToStringUTF8(mlt_torch_version()) ?? "unknown";

    /// <summary>Opens a scope that disposes every tensor created on this thread until it is disposed.</summary>
    public static DisposeScope NewDisposeScope() => new();

    private static Device Dev(Device? d) => d ?? Device.CPU;

    private static Tensor Make(long[] shape, ScalarType? dtype, Device? device, delegate*<long*, int, int, int, int, IntPtr> f, ScalarType fallback)
    {
        var d = Dev(device);
        fixed (long* p = shape) return new Tensor(f(p, shape.Length, (int)(dtype ?? fallback), (int)d.Type, d.Index));
    }

    public static Tensor empty(long[] shape, ScalarType? dtype = null, Device? device = null) => Make(shape, dtype, device, &mlt_empty, default_dtype);
    public static Tensor zeros(long[] shape, ScalarType? dtype = null, Device? device = null) => Make(shape, dtype, device, &mlt_zeros, default_dtype);
    public static Tensor ones(long[] shape, ScalarType? dtype = null, Device? device = null) => Make(shape, dtype, device, &mlt_ones, default_dtype);
    public static Tensor rand(long[] shape, ScalarType? dtype = null, Device? device = null) => Make(shape, dtype, device, &mlt_rand, default_dtype);
    public static Tensor randn(long[] shape, ScalarType? dtype = null, Device? device = null) => Make(shape, dtype, device, &mlt_randn, default_dtype);
    public static Tensor empty(params long[] shape) => empty(shape, null, null);
    public static Tensor zeros(params long[] shape) => zeros(shape, null, null);
    public static Tensor ones(params long[] shape) => ones(shape, null, null);
    public static Tensor rand(params long[] shape) => rand(shape, null, null);
    public static Tensor randn(params long[] shape) => randn(shape, null, null);

    public static Tensor full(long[] shape, double value, ScalarType? dtype = null, Device? device = null)
    {
        var d = Dev(device);
        var t = dtype ?? default_dtype;
        fixed (long* p = shape) return new Tensor(mlt_full(p, shape.Length, value, t.IsFloatingPoint() ? 0 : 1, (int)t, (int)d.Type, d.Index));
    }

    /// <summary>Integers uniformly drawn from [low, high).</summary>
    public static Tensor randint(long low, long high, long[] shape, ScalarType dtype = ScalarType.Int64, Device? device = null)
    {
        var d = Dev(device);
        fixed (long* p = shape) return new Tensor(mlt_randint(low, high, p, shape.Length, (int)dtype, (int)d.Type, d.Index));
    }

    public static Tensor randint(long high, long[] shape) => randint(0, high, shape);

    /// <summary>[start, end) in steps; integer arguments give an int64 tensor as in PyTorch.</summary>
    public static Tensor arange(long end) => arange(0, end, 1);
    public static Tensor arange(long start, long end, long step = 1, Device? device = null)
    {
        var d = Dev(device);
        return new Tensor(mlt_arange(start, end, step, (int)ScalarType.Int64, (int)d.Type, d.Index));
    }
    public static Tensor arange(double start, double end, double step = 1, ScalarType? dtype = null, Device? device = null)
    {
        var d = Dev(device);
        return new Tensor(mlt_arange(start, end, step, (int)(dtype ?? default_dtype), (int)d.Type, d.Index));
    }

    public static Tensor linspace(double start, double end, long steps, ScalarType? dtype = null, Device? device = null)
    {
        var d = Dev(device);
        return new Tensor(mlt_linspace(start, end, steps, (int)(dtype ?? default_dtype), (int)d.Type, d.Index));
    }

    public static Tensor eye(long n, long? m = null, ScalarType? dtype = null, Device? device = null)
    {
        var d = Dev(device);
        return new Tensor(mlt_eye(n, m ?? n, (int)(dtype ?? default_dtype), (int)d.Type, d.Index));
    }

    public static Tensor scalar_tensor(double value, ScalarType? dtype = null, Device? device = null)
    {
        var d = Dev(device);
        var t = dtype ?? default_dtype;
        return new Tensor(mlt_scalar_tensor(value, t.IsFloatingPoint() ? 0 : 1, (int)t, (int)d.Type, d.Index));
    }

    public static Tensor zeros_like(Tensor t) => t.Unary(Native.Unary.ZerosLike);
    public static Tensor ones_like(Tensor t) => t.Unary(Native.Unary.OnesLike);
    public static Tensor rand_like(Tensor t) => t.Unary(Native.Unary.RandLike);
    public static Tensor randn_like(Tensor t) => t.Unary(Native.Unary.RandnLike);
    public static Tensor empty_like(Tensor t) => t.Unary(Native.Unary.EmptyLike);
    public static Tensor full_like(Tensor t, double value) => t.Unary(Native.Unary.EmptyLike).fill_(value);

    // ---- from .NET data ----

    [UnmanagedCallersOnly]
    private static void ReleasePin(IntPtr ctx) => GCHandle.FromIntPtr(ctx).Free();

    /// <summary>
    /// A CPU tensor that shares memory with <paramref name="data"/> (no copy, like <c>torch.from_numpy</c>):
    /// writes to either are seen by both. The array stays pinned while the tensor lives.
    /// </summary>
    public static Tensor from_array<T>(T[] data, params long[] shape) where T : unmanaged
    {
        shape = shape.Length == 0 ? new long[] { data.Length } : shape;
        CheckCount(data.Length, shape);
        var pin = GCHandle.Alloc(data, GCHandleType.Pinned);
        try
        {
            fixed (long* ps = shape)
            {
                var h = mlt_from_blob((void*)pin.AddrOfPinnedObject(), ps, shape.Length, (int)ScalarTypes.Of<T>(), &ReleasePin, GCHandle.ToIntPtr(pin));
                return new Tensor(h);
            }
        }
        catch
        {
            if (pin.IsAllocated) pin.Free();
            throw;
        }
    }

    /// <summary>A new CPU tensor holding a copy of <paramref name="data"/> (one copy, straight into tensor memory).</summary>
    public static Tensor tensor<T>(ReadOnlySpan<T> data, params long[] shape) where T : unmanaged
    {
        shape = shape.Length == 0 ? new long[] { data.Length } : shape;
        CheckCount(data.Length, shape);
        fixed (T* pd = data) fixed (long* ps = shape)
            return new Tensor(mlt_from_bytes(pd, (long)data.Length * sizeof(T), ps, shape.Length, (int)ScalarTypes.Of<T>()));
    }

    public static Tensor tensor<T>(T[] data, params long[] shape) where T : unmanaged => tensor((ReadOnlySpan<T>)data, shape);

    public static Tensor tensor(float[,] data) => FromMulti<float>(data);
    public static Tensor tensor(double[,] data) => FromMulti<double>(data);
    public static Tensor tensor(long[,] data) => FromMulti<long>(data);
    public static Tensor tensor(float[,,] data) => FromMulti<float>(data);
    public static Tensor tensor(double[,,] data) => FromMulti<double>(data);

    /// <summary>A zero-dimensional tensor.</summary>
    public static Tensor tensor(double value, ScalarType? dtype = null, Device? device = null) => scalar_tensor(value, dtype ?? ScalarType.Float32, device);

    private static Tensor FromMulti<T>(Array data) where T : unmanaged
    {
        var shape = new long[data.Rank];
        for (int i = 0; i < data.Rank; i++) shape[i] = data.GetLength(i);
        ref byte start = ref MemoryMarshal.GetArrayDataReference(data);
        var span = MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<byte, T>(ref start), data.Length);
        return tensor(span, shape);
    }

    private static void CheckCount(long count, long[] shape)
    {
        long n = 1;
        foreach (var s in shape)
        {
            if (s < 0) throw new ArgumentException($"negative size in shape [{string.Join(", ", shape)}]", nameof(shape));
            n *= s;
        }
        if (n != count) throw new ArgumentException($"shape [{string.Join(", ", shape)}] needs {n} elements, the data has {count}", nameof(shape));
    }

    /// <summary>A tensor of the given dtype and shape made from raw little-endian bytes (safetensors' layout).</summary>
    public static Tensor from_bytes(ReadOnlySpan<byte> bytes, ScalarType dtype, long[] shape)
    {
        fixed (byte* pd = bytes) fixed (long* ps = shape)
            return new Tensor(mlt_from_bytes(pd, bytes.Length, ps, shape.Length, (int)dtype));
    }

    // ---- joins and functions over several tensors ----

    public static Tensor cat(IReadOnlyList<Tensor> tensors, long dim = 0) => Join(tensors, dim, 0);
    public static Tensor stack(IReadOnlyList<Tensor> tensors, long dim = 0) => Join(tensors, dim, 1);

    private static Tensor Join(IReadOnlyList<Tensor> tensors, long dim, int stack)
    {
        if (tensors.Count == 0) throw new ArgumentException("expected at least one tensor", nameof(tensors));
        var hs = Tensor.Handles(tensors);
        fixed (IntPtr* p = hs) return new Tensor(mlt_cat(p, hs.Length, dim, stack));
    }

    /// <summary>Einstein summation, e.g. <c>einsum("bij,bjk->bik", a, b)</c>.</summary>
    public static Tensor einsum(string equation, params Tensor[] operands)
    {
        var hs = Tensor.Handles(operands);
        fixed (IntPtr* p = hs) return new Tensor(mlt_einsum(equation, p, hs.Length));
    }

    public static Tensor where(Tensor condition, Tensor a, Tensor b) => a.where(condition, b);
    public static Tensor matmul(Tensor a, Tensor b) => a.matmul(b);
    public static Tensor bmm(Tensor a, Tensor b) => a.bmm(b);
    public static Tensor maximum(Tensor a, Tensor b) => a.maximum(b);
    public static Tensor minimum(Tensor a, Tensor b) => a.minimum(b);
    public static Tensor cdist(Tensor a, Tensor b, double p = 2.0) => new(mlt_cdist(a.Handle, b.Handle, p));
    /// <summary>Index of the bucket each value falls in, given sorted boundaries.</summary>
    public static Tensor bucketize(Tensor input, Tensor boundaries, bool right = false) => new(mlt_bucketize(input.Handle, boundaries.Handle, right ? 1 : 0));
    public static Tensor multinomial(Tensor probs, long num_samples, bool replacement = false) => probs.multinomial(num_samples, replacement);
    public static Tensor triu(Tensor t, long diagonal = 0) => t.triu(diagonal);
    public static Tensor tril(Tensor t, long diagonal = 0) => t.tril(diagonal);

    // ---- random numbers, grad mode, threads ----

    /// <summary>Seeds every random generator (CPU and CUDA) for reproducible results.</summary>
    public static void manual_seed(ulong seed) => Check(mlt_manual_seed(seed));

    public static bool is_grad_enabled() => mlt_grad_enabled() != 0;
    public static void set_grad_enabled(bool on) => mlt_set_grad_enabled(on ? 1 : 0);

    /// <summary>Disables gradient recording on this thread until disposed: <c>using (torch.no_grad()) { ... }</c>.</summary>
    public static IDisposable no_grad() => new GradMode(false);
    /// <summary>Enables gradient recording on this thread until disposed (inside a no_grad block).</summary>
    public static IDisposable enable_grad() => new GradMode(true);

    private sealed class GradMode : IDisposable
    {
        private readonly bool previous;
        private bool done;

        public GradMode(bool on)
        {
            previous = is_grad_enabled();
            set_grad_enabled(on);
        }

        public void Dispose()
        {
            if (done) return;
            done = true;
            set_grad_enabled(previous);
        }
    }

    /// <summary>Threads libtorch uses for intra-op parallelism; the default is every core.</summary>
    public static void set_num_threads(int n) => Check(mlt_set_num_threads(n));
    public static int get_num_threads() => mlt_get_num_threads();

    public static Device device(string name) => Device.Parse(name);

    public static class cuda
    {
        public static bool is_available() => mlt_cuda_is_available() != 0;
        public static int device_count() => mlt_cuda_device_count();
    }
}
