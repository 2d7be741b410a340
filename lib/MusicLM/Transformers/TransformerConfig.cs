using System.Text.Json.Serialization;

namespace MusicLM.Transformers;

/// <summary>
/// The shape of a <see cref="TokenTransformer"/>: a decoder-only transformer over one flat token sequence
/// (GPT-2 / nanoGPT arrangement, as MusicLM's stages and AudioLM's are). Derived numbers are computed.
/// </summary>
public sealed record TransformerConfig
{
    /// <summary>Token ids the embedding and the head cover (the stage's whole vocabulary, specials included).</summary>
    public int VocabularySize { get; init; }
    /// <summary>C, the residual width.</summary>
    public int Width { get; init; } = 256;
    public int Layers { get; init; } = 4;
    public int Heads { get; init; } = 4;
    /// <summary>The feed-forward's hidden width is this many times <see cref="Width"/> (4 in GPT-2 and MusicLM).</summary>
    public int MlpRatio { get; init; } = 4;
    /// <summary>Dropout on the residual branches and the attention weights, in training mode.</summary>
    public double Dropout { get; init; }
    /// <summary>The longest sequence the model decodes (the size of its key/value caches).</summary>
    public int MaxLength { get; init; } = 1024;
    /// <summary>The base of the rotary angles (Su et al. 2021; 10,000 as in RoFormer and LLaMA).</summary>
    public double RotaryBase { get; init; } = 10000;
    /// <summary>Width of the states to cross-attend to (e.g. a text encoder's token states), or null for none.</summary>
    public int? ContextWidth { get; init; }
    /// <summary>
    /// A second embedding table <c>wse</c> (V × C, zero at initialisation) for the side ids that
    /// <see cref="TokenTransformer.forward"/> adds to the token embeddings; false: no side ids are accepted.
    /// </summary>
    public bool SideInput { get; init; }

    /// <summary>d_head = C / H.</summary>
    [JsonIgnore] public int HeadDim => Width / Heads;
    [JsonIgnore] public int MlpWidth => MlpRatio * Width;

    /// <summary>
    /// Parameters of a model of this shape, computed from the layers: embedding V·C; per block two LayerNorms
    /// (4C), attention 4C² + 4C, MLP 2·r·C² + (r + 1)·C, cross-attention (if any) 2C² + 2C·Cx + 4C + LayerNorm 2C;
    /// final LayerNorm 2C; head C·V (no bias); the side table (if any) V·C.
    /// </summary>
    [JsonIgnore]
    public long ParameterCount
    {
        get
        {
            long c = Width, v = VocabularySize, r = MlpRatio;
            long block = 4 * c + (4 * c * c + 4 * c) + (2 * r * c * c + (r + 1) * c);
            if (ContextWidth is { } cx) block += 2 * c * c + 2 * c * cx + 4 * c + 2 * c;
            return v * c + Layers * block + 2 * c + c * v + (SideInput ? v * c : 0);
        }
    }

    /// <summary>The course's stage size: 4 layers × 4 heads × width 256 (about 3 M parameters plus the vocabulary).</summary>
    public static TransformerConfig Course(int vocabularySize, int maxLength) =>
        new() { VocabularySize = vocabularySize, Width = 256, Layers = 4, Heads = 4, MaxLength = maxLength, Dropout = 0.1 };

    /// <summary>MusicLM's stage size (§4.1): 24 layers, 16 heads, width 1024 — buildable, never trained here.</summary>
    public static TransformerConfig MusicLM(int vocabularySize, int maxLength) =>
        new() { VocabularySize = vocabularySize, Width = 1024, Layers = 24, Heads = 16, MaxLength = maxLength, Dropout = 0.1 };

    /// <summary>A tiny model for tests and quick mode: 2 layers × 2 heads × width 32.</summary>
    public static TransformerConfig Tiny(int vocabularySize, int maxLength) =>
        new() { VocabularySize = vocabularySize, Width = 32, Layers = 2, Heads = 2, MaxLength = maxLength };

    public void Validate()
    {
        if (VocabularySize < 2) throw new ArgumentException($"VocabularySize must be at least 2, got {VocabularySize}");
        if (Width < 1 || Layers < 1 || Heads < 1 || MlpRatio < 1 || MaxLength < 1)
            throw new ArgumentException($"Width, Layers, Heads, MlpRatio and MaxLength must be positive (got {Width}, {Layers}, {Heads}, {MlpRatio}, {MaxLength})");
        if (Width % Heads != 0) throw new ArgumentException($"Width ({Width}) must be divisible by Heads ({Heads})");
        if (HeadDim % 2 != 0) throw new ArgumentException($"the head dimension Width / Heads = {HeadDim} must be even for rotary positions");
        if (Dropout is < 0 or >= 1) throw new ArgumentException($"Dropout must be in [0, 1), got {Dropout}");
        if (RotaryBase <= 1) throw new ArgumentException($"RotaryBase must be > 1, got {RotaryBase}");
        if (ContextWidth is < 1) throw new ArgumentException($"ContextWidth must be positive or null, got {ContextWidth}");
    }
}
