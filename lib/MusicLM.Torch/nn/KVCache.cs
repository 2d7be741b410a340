namespace MusicLM.Torch.nn;

/// <summary>
/// The keys and values an attention layer has already computed, kept for incremental (token by token)
/// decoding: each new step only computes its own query, key and value and attends over everything cached.
/// Buffers of (B, H, max_length, head_dim) are allocated once — on first use, or by the full constructor —
/// and filled in place, so a decoding step costs no allocation and no concatenation.
/// One cache per attention layer; <see cref="Reset"/> starts a new sequence.
/// </summary>
public sealed class KVCache : IDisposable
{
    /// <summary>(B, H, max_length, head_dim); positions [0, Length) are valid. Null until first use.</summary>
    public Tensor? keys { get; private set; }
    /// <summary>(B, H, max_length, head_dim); positions [0, Length) are valid. Null until first use.</summary>
    public Tensor? values { get; private set; }

    public long max_length { get; }

    /// <summary>Number of cached positions.</summary>
    public long Length { get; private set; }

    /// <summary>A cache whose buffers are allocated on first use, with the batch, heads, dtype and device of the first keys.</summary>
    public KVCache(long max_length)
    {
        if (max_length <= 0) throw new ArgumentOutOfRangeException(nameof(max_length), max_length, "max_length must be positive");
        this.max_length = max_length;
    }

    /// <summary>A cache with its buffers allocated now.</summary>
    public KVCache(long batch, long heads, long max_length, long head_dim, ScalarType dtype = ScalarType.Float32, Device? device = null) : this(max_length)
    {
        Allocate(new[] { batch, heads, max_length, head_dim }, dtype, device ?? Device.CPU);
    }

    private void Allocate(long[] shape, ScalarType dtype, Device device)
    {
        keys = torch.zeros(shape, dtype, device).DetachFromDisposeScope();
        values = torch.zeros(shape, dtype, device).DetachFromDisposeScope();
    }

    /// <summary>
    /// Writes k and v (B, H, T, head_dim) at positions [Length, Length + T) and returns views of all
    /// cached keys and values (B, H, Length + T, head_dim); the caller disposes the views.
    /// </summary>
    public (Tensor keys, Tensor values) Append(Tensor k, Tensor v)
    {
        var s = k.shape;
        if (s.Length != 4 || !v.shape.SequenceEqual(s))
            throw new ArgumentException($"keys and values must both be (B, H, T, head_dim); got [{string.Join(", ", s)}] and [{string.Join(", ", v.shape)}]");
        if (keys is null) Allocate(new[] { s[0], s[1], max_length, s[3] }, k.dtype, k.device);
        var b = keys!.shape;
        if (s[0] != b[0] || s[1] != b[1] || s[3] != b[3])
            throw new ArgumentException($"this cache holds (B={b[0]}, H={b[1]}, head_dim={b[3]}); got keys of shape [{string.Join(", ", s)}]");
        long t = s[2];
        if (Length + t > max_length)
            throw new InvalidOperationException($"the KV cache is full: {Length} cached + {t} new positions exceed max_length {max_length}; Reset() it or make a longer one");
        using (var dk = keys.narrow(2, Length, t)) dk.copy_(k);
        using (var dv = values!.narrow(2, Length, t)) dv.copy_(v);
        Length += t;
        return (keys.narrow(2, 0, Length), values.narrow(2, 0, Length));
    }

    /// <summary>Forgets the cached positions (the buffers are kept for the next sequence).</summary>
    public void Reset() => Length = 0;

    public void Dispose()
    {
        keys?.Dispose();
        values?.Dispose();
        keys = values = null;
        Length = 0;
    }

    public override string ToString() => $"KVCache(Length={Length}, max_length={max_length}" + (keys is null ? ")" : $", shape=[{string.Join(", ", keys.shape)}])");
}
