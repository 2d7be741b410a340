namespace MusicLM.Torch.Serialization;

/// <summary>
/// The tensors and metadata read from a safetensors file. The tensors belong to the caller:
/// dispose this object (or each tensor, or an enclosing dispose scope) to release them.
/// </summary>
public sealed class SafetensorsFile : IDisposable
{
    internal SafetensorsFile(Dictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        Tensors = tensors;
        Metadata = metadata ?? new Dictionary<string, string>();
    }

    /// <summary>The tensors by name (CPU, row-major).</summary>
    public Dictionary<string, Tensor> Tensors { get; }

    /// <summary>The <c>__metadata__</c> strings (empty when the file has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    public Tensor this[string name] => Tensors[name];

    public void Deconstruct(out Dictionary<string, Tensor> tensors, out IReadOnlyDictionary<string, string> metadata)
    {
        tensors = Tensors;
        metadata = Metadata;
    }

    /// <summary>Disposes every tensor.</summary>
    public void Dispose()
    {
        foreach (var t in Tensors.Values) t.Dispose();
    }
}
