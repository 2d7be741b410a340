namespace MusicLM.Torch;

/// <summary>
/// Collects every tensor created on this thread while it is the innermost scope and disposes them
/// together, so a training loop of any length keeps memory flat without a <c>using</c> per
/// temporary (TorchSharp's <c>NewDisposeScope</c>). Keep a result with
/// <see cref="Tensor.MoveToOuterDisposeScope"/> or <see cref="Tensor.DetachFromDisposeScope"/>.
/// </summary>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic] private static DisposeScope? current;

    private readonly DisposeScope? outer;
    private readonly List<Tensor> tensors = new();
    private bool disposed;

    internal DisposeScope()
    {
        outer = current;
        current = this;
    }

    /// <summary>The innermost open scope on this thread, or null.</summary>
    public static DisposeScope? Current => current;

    /// <summary>Number of tensors this scope will dispose.</summary>
    public int Count => tensors.Count(t => t.Scope == this);

    internal DisposeScope? Outer => outer;

    internal void Add(Tensor t)
    {
        t.Scope = this;
        tensors.Add(t);
    }

    /// <summary>Disposes the tracked tensors and makes the enclosing scope current again.</summary>
    public void Dispose()
    {
        if (disposed) return;
        // Scopes nest; closing one that is not innermost also closes (and disposes the tensors of)
        // the ones still open inside it, innermost first.
        var s = current;
        while (s != null && s != this) s = s.outer;
        if (s == this)
            while (current != null && current != this)
            {
                var c = current;
                if (c.disposed) current = c.outer; // disposed from another thread: just unlink it
                else c.Dispose();
            }
        disposed = true;
        foreach (var t in tensors)
            if (t.Scope == this) { t.Scope = null; t.Dispose(); }
        tensors.Clear();
        if (current == this) current = outer;
    }
}
