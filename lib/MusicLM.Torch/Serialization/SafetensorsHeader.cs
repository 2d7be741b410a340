namespace MusicLM.Torch.Serialization;

/// <summary>
/// The validated header of a safetensors file: the entries in file order (by offset), the free-form
/// string metadata (<c>__metadata__</c>, null when absent) and where the data region starts.
/// </summary>
public sealed record SafetensorsHeader(IReadOnlyList<SafetensorsEntry> Entries, IReadOnlyDictionary<string, string>? Metadata, long DataStart)
{
    /// <summary>The entry with this name, or null.</summary>
    public SafetensorsEntry? Find(string name) => Entries.FirstOrDefault(e => e.Name == name);
}
