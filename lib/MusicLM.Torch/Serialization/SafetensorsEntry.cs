namespace MusicLM.Torch.Serialization;

/// <summary>
/// One tensor as a safetensors header describes it: name, dtype, shape and its bytes
/// [<see cref="Begin"/>, <see cref="End"/>) counted from the first byte after the header.
/// </summary>
public sealed record SafetensorsEntry(string Name, ScalarType DType, long[] Shape, long Begin, long End)
{
    /// <summary>Number of elements (1 for a 0-d tensor).</summary>
    public long NumElements => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>Number of data bytes.</summary>
    public long ByteLength => End - Begin;

    public override string ToString() => $"{Name}: {Safetensors.DTypeName(DType)} [{string.Join(", ", Shape)}] @ [{Begin}, {End})";
}
