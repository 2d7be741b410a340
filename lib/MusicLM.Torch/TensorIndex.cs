namespace MusicLM.Torch;

/// <summary>
/// One position in an indexing expression, as in PyTorch's <c>t[0, 1:3, None, ..., mask]</c>:
/// an integer, a slice (C# ranges work: <c>t[1..3]</c>, <c>t[^1]</c>), a new axis, an ellipsis or a tensor.
/// </summary>
public readonly struct TensorIndex
{
    internal enum Kind { Integer = 0, Slice = 1, None = 2, Ellipsis = 3, Tensor = 4 }

    internal readonly Kind kind;
    internal readonly long a, b, c;
    internal readonly int flags;
    internal readonly Tensor? tensor;

    private TensorIndex(Kind kind, long a = 0, long b = 0, long c = 1, int flags = 0, Tensor? tensor = null)
    {
        this.kind = kind;
        this.a = a;
        this.b = b;
        this.c = c;
        this.flags = flags;
        this.tensor = tensor;
    }

    /// <summary>A new axis of size 1 (Python's <c>None</c>).</summary>
    public static readonly TensorIndex None = new(Kind.None);
    /// <summary>As many full slices as needed (Python's <c>...</c>).</summary>
    public static readonly TensorIndex Ellipsis = new(Kind.Ellipsis);
    /// <summary>A full slice (Python's <c>:</c>).</summary>
    public static readonly TensorIndex Colon = new(Kind.Slice, flags: 3);

    /// <summary>Python's <c>start:stop:step</c>; a null bound is open.</summary>
    public static TensorIndex Slice(long? start = null, long? stop = null, long step = 1) =>
        new(Kind.Slice, start ?? 0, stop ?? 0, step, (start.HasValue ? 0 : 1) | (stop.HasValue ? 0 : 2));

    public static implicit operator TensorIndex(long i) => new(Kind.Integer, i);
    public static implicit operator TensorIndex(int i) => new(Kind.Integer, i);
    public static implicit operator TensorIndex(Index i) => new(Kind.Integer, i.IsFromEnd ? -i.Value : i.Value);
    public static implicit operator TensorIndex(Tensor t) => new(Kind.Tensor, tensor: t);

    public static implicit operator TensorIndex(Range r)
    {
        long? start = r.Start.IsFromEnd ? -r.Start.Value : r.Start.Value;
        if (r.Start.Equals(Index.Start)) start = null;
        long? stop = r.End.IsFromEnd ? (r.End.Value == 0 ? null : -r.End.Value) : r.End.Value;
        return Slice(start, stop);
    }
}
