using System.Runtime.InteropServices;
using MusicLM.Torch.Native;
using static MusicLM.Torch.Native.NativeMethods;

namespace MusicLM.Torch;

/// <summary>
/// An n-dimensional array on a device, with autograd, backed by a libtorch tensor. Operations use
/// PyTorch's names (<c>reshape</c>, <c>softmax</c>, <c>conv1d</c>) so code reads side by side with
/// PyTorch. Release native memory deterministically with <c>using</c> or a
/// <see cref="DisposeScope"/> (<see cref="torch.NewDisposeScope"/>). There is deliberately no finaliser
/// (lib/README.md, code style): it would add a tenth of a microsecond to every operation and hide leaks.
/// </summary>
public partial class Tensor : IDisposable
{
    private IntPtr handle;

    internal DisposeScope? Scope;

    internal Tensor(IntPtr handle)
    {
        this.handle = Check(handle);
        DisposeScope.Current?.Add(this);
    }

    /// <summary>For <see cref="nn.Parameter"/>: never tracked by a dispose scope.</summary>
    private protected Tensor(IntPtr handle, bool track)
    {
        this.handle = Check(handle);
        if (track) DisposeScope.Current?.Add(this);
    }


    /// <summary>Releases the native tensor now. Views and other handles on the same storage stay valid.</summary>
    public void Dispose()
    {
        var h = handle;
        if (h == IntPtr.Zero) return;
        handle = IntPtr.Zero;
        Scope = null;
        mlt_free(h);
    }

    public bool IsDisposed => handle == IntPtr.Zero;

    internal IntPtr Handle
    {
        get
        {
            var h = handle;
            if (h == IntPtr.Zero) throw new ObjectDisposedException(nameof(Tensor), "this tensor has been disposed (by `using` or its dispose scope)");
            return h;
        }
    }

    /// <summary>Swaps the native tensor behind this object (used by <see cref="nn.Parameter"/> moves).</summary>
    private protected void ReplaceHandle(IntPtr h)
    {
        var old = handle;
        handle = Check(h);
        if (old != IntPtr.Zero) mlt_free(old);
    }

    internal static Tensor Wrap(IntPtr h) => new(h);

    // ---- scope management ----

    /// <summary>Moves this tensor from its dispose scope to the enclosing one (or to none), so it outlives the scope.</summary>
    public Tensor MoveToOuterDisposeScope()
    {
        var s = Scope;
        if (s == null) return this;
        Scope = null;
        s.Outer?.Add(this);
        return this;
    }

    /// <summary>Takes this tensor out of every dispose scope: the caller now owns it.</summary>
    public Tensor DetachFromDisposeScope()
    {
        Scope = null;
        return this;
    }

    // ---- metadata ----

    public int dim() => mlt_dim(Handle);
    public int ndim => dim();

    public unsafe long[] shape
    {
        get
        {
            var h = Handle;
            int n = mlt_dim(h);
            var s = new long[n];
            fixed (long* p = s) mlt_sizes(h, p, n);
            return s;
        }
    }

    public long size(int dim)
    {
        var s = shape;
        int d = dim < 0 ? dim + s.Length : dim;
        if (d < 0 || d >= s.Length) throw new ArgumentOutOfRangeException(nameof(dim), $"dim {dim} is out of range for a {s.Length}-D tensor");
        return s[d];
    }

    public unsafe long[] stride()
    {
        var h = Handle;
        int n = mlt_dim(h);
        var s = new long[n];
        fixed (long* p = s) mlt_strides(h, p, n);
        return s;
    }

    public long numel() => mlt_numel(Handle);
    public ScalarType dtype => (ScalarType)mlt_dtype(Handle);
    public Device device => new((DeviceType)mlt_device_type(Handle), mlt_device_index(Handle));
    public bool is_contiguous() => mlt_is_contiguous(Handle) != 0;
    public long element_size() => mlt_element_size(Handle);
    public bool is_floating_point() => dtype.IsFloatingPoint();

    /// <summary>True when both objects refer to the same libtorch tensor.</summary>
    public bool is_same(Tensor other) => mlt_same(Handle, other.Handle) != 0;

    // ---- data ----

    /// <summary>The single value of a one-element tensor.</summary>
    public double item()
    {
        Check(mlt_item(Handle, out var v));
        return v;
    }

    /// <summary>The single value of a one-element tensor as <typeparamref name="T"/>.</summary>
    public T item<T>() where T : unmanaged
    {
        if (typeof(T) == typeof(long) || typeof(T) == typeof(int) || typeof(T) == typeof(short) || typeof(T) == typeof(byte))
        {
            Check(mlt_item_long(Handle, out var l));
            return (T)Convert.ChangeType(l, typeof(T));
        }
        if (typeof(T) == typeof(bool)) return (T)(object)(item() != 0);
        if (typeof(T) == typeof(Half)) return (T)(object)(Half)item();
        return (T)Convert.ChangeType(item(), typeof(T));
    }

    /// <summary>Copies the elements (from any device, any layout) into a new row-major array.</summary>
    public unsafe T[] ToArray<T>() where T : unmanaged
    {
        var want = ScalarTypes.Of<T>();
        var have = dtype;
        if (want != have)
            throw new InvalidOperationException($"ToArray<{typeof(T).Name}>() needs a {want.Name()} tensor, this one is {have.Name()}; convert with .to(ScalarType.{want}) first");
        var a = new T[numel()];
        fixed (T* p = a) Check(mlt_copy_to(Handle, p, (long)a.Length * sizeof(T)));
        return a;
    }

    /// <summary>The raw bytes of the elements in row-major order.</summary>
    public unsafe byte[] ToBytes()
    {
        var n = numel() * element_size();
        var a = new byte[n];
        fixed (byte* p = a) Check(mlt_copy_to(Handle, p, n));
        return a;
    }

    // ---- conversion ----

    public Tensor to(ScalarType type, bool copy = false) => new(mlt_to(Handle, (int)type, -1, 0, copy ? 1 : 0));
    public Tensor to(Device d, bool copy = false) => new(mlt_to(Handle, -1, (int)d.Type, d.Index, copy ? 1 : 0));
    public Tensor to(Device d, ScalarType type) => new(mlt_to(Handle, (int)type, (int)d.Type, d.Index, 0));
    public Tensor to(string d) => to(Device.Parse(d));
    public Tensor to(Tensor like) => to(like.device, like.dtype);
    public Tensor cpu() => to(Device.CPU);
    public Tensor cuda(int index = 0) => to(Device.CUDA(index));
    public Tensor @float() => to(ScalarType.Float32);
    public Tensor @double() => to(ScalarType.Float64);
    public Tensor @long() => to(ScalarType.Int64);
    public Tensor @int() => to(ScalarType.Int32);
    public Tensor @bool() => to(ScalarType.Bool);
    public Tensor half() => to(ScalarType.Float16);
    public Tensor bfloat16() => to(ScalarType.BFloat16);

    /// <summary>A second handle on the same tensor (shares storage and autograd identity).</summary>
    public Tensor alias() => new(mlt_share(Handle));

    // ---- autograd ----

    public bool requires_grad
    {
        get => mlt_requires_grad(Handle) != 0;
        set => Check(mlt_set_requires_grad(Handle, value ? 1 : 0));
    }

    public Tensor requires_grad_(bool on = true)
    {
        requires_grad = on;
        return this;
    }

    public bool is_leaf => mlt_is_leaf(Handle) != 0;

    /// <summary>The accumulated gradient, or null. Each read returns a new handle on the same gradient.</summary>
    public Tensor? grad
    {
        get
        {
            var h = mlt_grad(Handle);
            if (h == IntPtr.Zero)
            {
                if (mlt_last_error() != IntPtr.Zero) ThrowLastError();
                return null;
            }
            return new Tensor(h);
        }
        set => Check(mlt_set_grad(Handle, value?.Handle ?? IntPtr.Zero));
    }

    /// <summary>
    /// Computes gradients of this tensor; non-scalars need <paramref name="gradient"/>. As in PyTorch, the graph is
    /// kept when <paramref name="create_graph"/> is set unless <paramref name="retain_graph"/> says otherwise (the
    /// gradients' own graph runs through it).
    /// </summary>
    public void backward(Tensor? gradient = null, bool? retain_graph = null, bool create_graph = false)
    {
        var retain = retain_graph ?? create_graph;
        if (gradient is null && numel() != 1)
            throw new InvalidOperationException($"backward() without a gradient needs a scalar, this tensor has shape [{string.Join(", ", shape)}]; pass a gradient of the same shape");
        Check(mlt_backward(Handle, gradient?.Handle ?? IntPtr.Zero, retain ? 1 : 0, create_graph ? 1 : 0));
    }

    public Tensor retain_grad()
    {
        Check(mlt_retain_grad(Handle));
        return this;
    }

    /// <summary>A tensor on the same data with no autograd history.</summary>
    public Tensor detach() => Unary(Native.Unary.Detach);

    public Tensor detach_()
    {
        Check(mlt_unary_((int)Native.Unary.Detach, Handle));
        return this;
    }

    /// <summary>Replaces this leaf's data (device or dtype moves), keeping its identity for optimizers.</summary>
    public void set_data(Tensor src) => Check(mlt_set_data(Handle, src.Handle));

    internal Tensor Unary(Unary op) => new(mlt_unary((int)op, Handle));

    internal Tensor UnaryInPlace(Unary op)
    {
        Check(mlt_unary_((int)op, Handle));
        return this;
    }

    internal static unsafe IntPtr[] Handles(IReadOnlyList<Tensor> ts)
    {
        var hs = new IntPtr[ts.Count];
        for (int i = 0; i < hs.Length; i++) hs[i] = ts[i].Handle;
        return hs;
    }

    internal static Tensor[] WrapAll(IntPtr[] hs, int n)
    {
        var r = new Tensor[n];
        for (int i = 0; i < n; i++) r[i] = new Tensor(hs[i]);
        return r;
    }
}
