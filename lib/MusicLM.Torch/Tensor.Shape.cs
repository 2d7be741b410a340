using static MusicLM.Torch.Native.NativeMethods;

namespace MusicLM.Torch;

// Views, joins, splits and indexing.
public partial class Tensor
{
    public unsafe Tensor reshape(params long[] shape) { fixed (long* p = shape) return new(mlt_reshape(Handle, p, shape.Length)); }
    public unsafe Tensor view(params long[] shape) { fixed (long* p = shape) return new(mlt_view(Handle, p, shape.Length)); }
    public unsafe Tensor permute(params long[] dims) { fixed (long* p = dims) return new(mlt_permute(Handle, p, dims.Length)); }
    public unsafe Tensor expand(params long[] shape) { fixed (long* p = shape) return new(mlt_expand(Handle, p, shape.Length)); }
    public unsafe Tensor repeat(params long[] repeats) { fixed (long* p = repeats) return new(mlt_repeat(Handle, p, repeats.Length)); }
    public unsafe Tensor flip(params long[] dims) { fixed (long* p = dims) return new(mlt_flip(Handle, p, dims.Length)); }

    public unsafe Tensor roll(long[] shifts, long[] dims)
    {
        fixed (long* s = shifts, d = dims) return new(mlt_roll(Handle, s, shifts.Length, d, dims.Length));
    }

    public Tensor roll(long shift, long dim) => roll(new[] { shift }, new[] { dim });
    public Tensor transpose(long dim0, long dim1) => new(mlt_transpose(Handle, dim0, dim1));
    public Tensor squeeze() => new(mlt_squeeze(Handle, 0, 1));
    public Tensor squeeze(long dim) => new(mlt_squeeze(Handle, dim, 0));
    public Tensor unsqueeze(long dim) => new(mlt_unsqueeze(Handle, dim));
    public Tensor flatten(long start_dim = 0, long end_dim = -1) => new(mlt_flatten(Handle, start_dim, end_dim));
    public Tensor narrow(long dim, long start, long length) => new(mlt_narrow(Handle, dim, start, length));
    public Tensor select(long dim, long index) => new(mlt_select(Handle, dim, index));
    public Tensor slice(long dim, long start, long end, long step = 1) => new(mlt_slice(Handle, dim, start, end, step));
    public Tensor expand_as(Tensor other) => expand(other.shape);
    public Tensor view_as(Tensor other) => view(other.shape);
    public Tensor reshape_as(Tensor other) => reshape(other.shape);

    private const int MaxPieces = 4096;

    private unsafe Tensor[] Pieces(Func<IntPtr[], int> call)
    {
        var outp = new IntPtr[MaxPieces];
        int n = Check(call(outp));
        if (n > MaxPieces)
        {
            for (int i = 0; i < MaxPieces; i++) mlt_free(outp[i]);
            throw new ArgumentException($"splitting into {n} pieces; at most {MaxPieces} are supported");
        }
        return WrapAll(outp, n);
    }

    /// <summary>Pieces of <paramref name="split_size"/> along <paramref name="dim"/> (the last may be smaller).</summary>
    public unsafe Tensor[] split(long split_size, long dim = 0) =>
        Pieces(o => { fixed (IntPtr* po = o) { long s = split_size; return mlt_split(Handle, &s, 1, dim, po, o.Length); } });

    /// <summary>Pieces of the given sizes along <paramref name="dim"/>.</summary>
    public unsafe Tensor[] split(long[] split_sizes, long dim = 0) =>
        Pieces(o => { fixed (IntPtr* po = o) fixed (long* ps = split_sizes) return mlt_split(Handle, ps, split_sizes.Length, dim, po, o.Length); });

    public unsafe Tensor[] chunk(long chunks, long dim = 0) =>
        Pieces(o => { fixed (IntPtr* po = o) return mlt_chunk(Handle, chunks, dim, po, o.Length); });

    public unsafe Tensor[] unbind(long dim = 0) =>
        Pieces(o => { fixed (IntPtr* po = o) return mlt_unbind(Handle, dim, po, o.Length); });

    public Tensor index_select(long dim, Tensor index) => new(mlt_index_select(Handle, dim, index.Handle));
    public Tensor gather(long dim, Tensor index) => new(mlt_gather(Handle, dim, index.Handle));
    public Tensor scatter(long dim, Tensor index, Tensor src) => new(mlt_scatter(Handle, dim, index.Handle, src.Handle, 0));
    public Tensor scatter_add(long dim, Tensor index, Tensor src) => new(mlt_scatter(Handle, dim, index.Handle, src.Handle, 1));

    public Tensor scatter_(long dim, Tensor index, Tensor src)
    {
        Check(mlt_scatter_(Handle, dim, index.Handle, src.Handle, 0));
        return this;
    }

    public Tensor scatter_add_(long dim, Tensor index, Tensor src)
    {
        Check(mlt_scatter_(Handle, dim, index.Handle, src.Handle, 1));
        return this;
    }

    public Tensor index_copy_(long dim, Tensor index, Tensor src)
    {
        Check(mlt_index_copy_(Handle, dim, index.Handle, src.Handle));
        return this;
    }

    private static (long[] spec, IntPtr[] tensors) Encode(TensorIndex[] idx)
    {
        var spec = new long[idx.Length * 5];
        var ts = new List<IntPtr>();
        for (int i = 0; i < idx.Length; i++)
        {
            var x = idx[i];
            spec[5 * i] = (long)x.kind;
            spec[5 * i + 1] = x.a;
            spec[5 * i + 2] = x.b;
            spec[5 * i + 3] = x.c;
            spec[5 * i + 4] = x.flags;
            if (x.kind == TensorIndex.Kind.Tensor)
            {
                spec[5 * i + 1] = ts.Count;
                ts.Add(x.tensor!.Handle);
            }
        }
        return (spec, ts.ToArray());
    }

    /// <summary>PyTorch indexing: <c>t[0]</c>, <c>t[.., 1..3]</c>, <c>t[TensorIndex.None]</c>, <c>t[mask]</c>; assignment writes in place.</summary>
    public unsafe Tensor this[params TensorIndex[] idx]
    {
        get
        {
            var (spec, ts) = Encode(idx);
            fixed (long* ps = spec) fixed (IntPtr* pt = ts) return new(mlt_index(Handle, ps, idx.Length, pt));
        }
        set
        {
            var (spec, ts) = Encode(idx);
            fixed (long* ps = spec) fixed (IntPtr* pt = ts) Check(mlt_index_put_(Handle, ps, idx.Length, pt, value.Handle));
        }
    }
}
