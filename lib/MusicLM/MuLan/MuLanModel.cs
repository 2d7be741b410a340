using System.Text.Json.Nodes;
using MusicLM.Audio;
using MusicLM.Audio.Dsp;
using MusicLM.Torch;
using MusicLM.Torch.nn;
using MusicLM.Torch.Serialization;

namespace MusicLM.MuLan;

/// <summary>
/// MuLan (Huang et al. 2022): text and audio in one space. <see cref="EmbedAudio(IReadOnlyList{AudioClip})"/> and
/// <see cref="EmbedText"/> give L2-normalised (B, E) embeddings whose dot product is their cosine similarity;
/// <see cref="Tokens"/> turns either into MusicLM's conditioning tokens (B, L). Keys: <c>audio.*</c>,
/// <c>text.*</c>, <c>logit_scale</c>, <c>quantizer.*</c>; the caption vocabulary is saved beside the weights.
/// After <c>to(device)</c> everything runs on <see cref="Device"/>: tensor inputs are moved there, returned tensors
/// (features, embeddings, tokens) stay there.
/// </summary>
public sealed class MuLanModel : Module
{
    public readonly AudioTower audio;
    public readonly TextTower text;
    /// <summary>ln(1/τ), clamped to [0, ln MaxLogitScale] by the trainer (CLIP).</summary>
    public readonly Parameter logit_scale;
    public readonly ConditioningQuantizer quantizer;

    private readonly LogMel logMel;
    private readonly Chroma? chroma;

    public MuLanConfig Config { get; }
    public CaptionTokenizer Tokenizer { get; }

    public MuLanModel(MuLanConfig config, CaptionTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        config.Validate();
        if (config.Text.VocabSize != tokenizer.VocabSize || config.Text.MaxLength < tokenizer.MaxLength)
            throw new ArgumentException($"the text tower has {config.Text.VocabSize} tokens and {config.Text.MaxLength} positions, the tokenizer {tokenizer.VocabSize} and {tokenizer.MaxLength}");
        Config = config;
        Tokenizer = tokenizer;
        audio = new AudioTower(config.Audio, config.FeatureChannels, config.EmbeddingDim);
        text = new TextTower(config.Text, config.EmbeddingDim);
        using (var s = torch.scalar_tensor(Math.Log(1 / config.InitialTemperature))) logit_scale = new Parameter(s);
        quantizer = new ConditioningQuantizer(config.Quantizer, config.EmbeddingDim);
        logMel = new LogMel(config.Features);
        if (config.Chroma) chroma = new Chroma(config.ChromaFeatures);
    }

    /// <summary>The course model with a tokenizer learnt on <paramref name="captions"/> (512 symbols, 64 tokens), weights from <paramref name="seed"/>.</summary>
    public static MuLanModel Course(IEnumerable<string> captions, int seed = 0)
    {
        var tokenizer = CaptionTokenizer.Train(captions);
        torch.manual_seed((ulong)seed);
        return new MuLanModel(MuLanConfig.Course(tokenizer.VocabSize, tokenizer.MaxLength), tokenizer);
    }

    public int SampleRate => Config.SampleRate;
    /// <summary>Where the weights live (the device of <c>logit_scale</c>).</summary>
    public Device Device => logit_scale.device;
    public int EmbeddingDim => Config.EmbeddingDim;
    /// <summary>1/τ now: exp(logit_scale), within CLIP's clamp.</summary>
    public double LogitScale => Math.Exp(Math.Clamp(logit_scale.item(), 0, Math.Log(Config.MaxLogitScale)));
    public double Temperature => 1 / LogitScale;

    // ---- features ----

    /// <summary>
    /// The features of a clip, (C, T): log-mel bands, then chroma bins when <see cref="MuLanConfig.Chroma"/>,
    /// with T = ⌊samples / hop⌋ + 1. The clip is mixed to mono and resampled to <see cref="SampleRate"/> first when
    /// it is at another rate (so any rate works); a clip shorter than the longest FFT window is zero-padded to it.
    /// Computed on, and returned on, <see cref="Device"/>.
    /// </summary>
    public Tensor Features(AudioClip clip)
    {
        ArgumentNullException.ThrowIfNull(clip);
        if (clip.Frames == 0) throw new ArgumentException("the clip is empty (0 samples)", nameof(clip));
        var mono = clip.ToMono();
        if (mono.SampleRate != SampleRate) mono = Resampler.Resample(mono, SampleRate);
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var samples = mono.Channel(0);
        var window = Math.Max(Config.NFft, chroma?.Config.NFft ?? 0);
        if (samples.Length < window) Array.Resize(ref samples, window);
        var x = torch.tensor(samples).to(Device);                            // (T_samples)
        var mel = logMel.Forward(x).squeeze(0);                              // (M, T)
        if (chroma is null) return mel.MoveToOuterDisposeScope();
        var c = chroma.Forward(x).squeeze(0);                                // (12, T')
        var t = Math.Min(mel.size(1), c.size(1));
        return torch.cat(new[] { mel.narrow(1, 0, t), c.narrow(1, 0, t) }, 0).MoveToOuterDisposeScope(); // (M + 12, T)
    }

    /// <summary>
    /// Embeddings (N, E) of many feature matrices (C, T_i), in batches of up to <paramref name="batchSize"/> of equal
    /// length (whole clips of a dataset usually are), without gradients. The features may be on any device (each
    /// batch moves to <see cref="Device"/>).
    /// </summary>
    public Tensor EmbedFeatures(IReadOnlyList<Tensor> features, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.Count == 0) throw new ArgumentException("no features", nameof(features));
        using var scope = torch.NewDisposeScope();
        var rows = new Tensor[features.Count];
        foreach (var group in Enumerable.Range(0, features.Count).GroupBy(i => features[i].size(1)))
            foreach (var chunk in group.Chunk(batchSize))
            {
                var e = EmbedAudio(torch.stack(chunk.Select(i => features[i]).ToList(), 0));   // (b, E)
                for (var k = 0; k < chunk.Length; k++) rows[chunk[k]] = e[k];
            }
        return torch.stack(rows, 0).MoveToOuterDisposeScope();               // (N, E)
    }

    // ---- embeddings ----

    /// <summary>Embeddings (B, E) of clips (any length, rate and channels; each embedded whole), unit norm.</summary>
    public Tensor EmbedAudio(IReadOnlyList<AudioClip> clips)
    {
        ArgumentNullException.ThrowIfNull(clips);
        if (clips.Count == 0) throw new ArgumentException("no clips", nameof(clips));
        using var scope = torch.NewDisposeScope();
        return EmbedFeatures(clips.Select(Features).ToList()).MoveToOuterDisposeScope(); // (B, E)
    }

    /// <summary>Embeddings (B, E) of feature batches (B, C, T) from <see cref="Features"/>, unit norm, without gradients.</summary>
    public Tensor EmbedAudio(Tensor mel)
    {
        using var _ = torch.no_grad();
        var was = training;
        eval();
        try { return AudioEmbedding(mel); }
        finally { train(was); }
    }

    /// <summary>Embeddings (B, E) of captions, unit norm, without gradients. Captions are truncated to the tokenizer's <see cref="CaptionTokenizer.MaxLength"/>; an empty one is an <see cref="ArgumentException"/>.</summary>
    public Tensor EmbedText(IReadOnlyList<string> captions) =>
        WithTokenizedText(captions, (ids, mask) => TextEmbedding(ids, mask).MoveToOuterDisposeScope());

    /// <summary>Runs <paramref name="run"/> on the captions' ids and padding mask without gradients, in eval mode (the mode restored after).</summary>
    private T WithTokenizedText<T>(IReadOnlyList<string> captions, Func<Tensor, Tensor, T> run)
    {
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var was = training;
        eval();
        try
        {
            var (ids, mask) = Tokenizer.Batch(captions);
            return run(ids, mask);
        }
        finally { train(was); }
    }

    /// <summary>
    /// The text tower's token states of captions (B, L, W) and their padding mask (B, L; true at padding), without
    /// gradients, in eval mode: the context a one-stage model cross-attends to (MusicGen conditions on a frozen text
    /// encoder's states, not on a pooled embedding). An empty caption is an <see cref="ArgumentException"/>.
    /// </summary>
    public (Tensor States, Tensor PaddingMask) TextStates(IReadOnlyList<string> captions) =>
        WithTokenizedText(captions, (ids, mask) =>
            (text.States(ids.to(Device), mask.to(Device)).MoveToOuterDisposeScope(), mask.to(Device).MoveToOuterDisposeScope()));

    /// <summary>Width of the text tower's token states (<see cref="TextStates"/>).</summary>
    public int TextWidth => Config.Text.Width;

    /// <summary>The audio tower with gradients: log-mel (B, M, T) → unit-norm (B, E).</summary>
    public Tensor AudioEmbedding(Tensor mel)
    {
        if (mel.dim() != 3 || mel.size(1) != Config.FeatureChannels || mel.size(2) < 1 || mel.size(0) < 1)
            throw new ArgumentException($"features must be (B, {Config.FeatureChannels}, T) with T ≥ 1 (see Features), got [{string.Join(", ", mel.shape)}]", nameof(mel));
        using var scope = torch.NewDisposeScope();
        return Normalize(audio.forward(mel.to(Device))).MoveToOuterDisposeScope();
    }

    /// <summary>The text tower with gradients: ids and padding mask (B, L) → unit-norm (B, E).</summary>
    public Tensor TextEmbedding(Tensor ids, Tensor paddingMask)
    {
        using var scope = torch.NewDisposeScope();
        return Normalize(text.forward(ids.to(Device), paddingMask.to(Device))).MoveToOuterDisposeScope();
    }

    /// <summary>The clamped logit scale as a tensor in the graph (scalar).</summary>
    public Tensor LogitScaleTensor() => logit_scale.clamp(0, Math.Log(Config.MaxLogitScale)).exp();

    /// <summary>Conditioning tokens (B, L) of embeddings (B, E), audio or text (see <see cref="ConditioningQuantizer"/>).</summary>
    public Tensor Tokens(Tensor embedding) => quantizer.Tokens(embedding);

    private static Tensor Normalize(Tensor x)
    {
        using var norm = x.norm(2, -1, keepdim: true).clamp_min(1e-12);
        return x / norm;
    }

    // ---- checkpoints ----

    /// <summary>The caption vocabulary beside the weights: <c>mulan.safetensors</c> → <c>mulan.tokenizer.json</c>.</summary>
    public static string TokenizerPath(string path) => Path.ChangeExtension(path, ".tokenizer.json");

    /// <summary>Saves the weights (safetensors, copied to the CPU from any device), the vocabulary and the config (JSON, written last).</summary>
    public void Save(string path, IReadOnlyDictionary<string, Tensor>? optimizerState = null)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        Tokenizer.Save(TokenizerPath(path));
        Checkpoint.Save(path, this, Config, optimizerState);
    }

    /// <summary>
    /// Loads a model saved with <see cref="Save"/>. A checkpoint of another kind of model (a codec), a missing
    /// or malformed vocabulary, or weights of another shape are a <see cref="CheckpointFormatException"/>.
    /// The model is on the CPU (move it with <c>to(device)</c>).
    /// </summary>
    public static MuLanModel Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"no MuLan checkpoint at '{path}'", path);
        var cfgPath = Checkpoint.ConfigPath(path);
        if (File.Exists(cfgPath))
        {
            string? type;
            try { type = JsonNode.Parse(File.ReadAllText(cfgPath))?["type"]?.ToString(); }
            catch (System.Text.Json.JsonException ex) { throw new CheckpointFormatException(cfgPath, $"config is not valid JSON ({ex.Message})", ex); }
            if (type != typeof(MuLanConfig).FullName)
                throw new CheckpointFormatException(cfgPath, $"this is a checkpoint of {type ?? "an unknown model"}, not of a MuLan model ({typeof(MuLanConfig).FullName})");
        }
        var config = Checkpoint.Load<MuLanConfig>(path);
        var tokPath = TokenizerPath(path);
        if (!File.Exists(tokPath)) throw new CheckpointFormatException(tokPath, $"the caption vocabulary of '{path}' is missing");
        CaptionTokenizer tokenizer;
        try { tokenizer = CaptionTokenizer.Load(tokPath); }
        catch (InvalidDataException ex) { throw new CheckpointFormatException(tokPath, ex.Message, ex); }
        MuLanModel model;
        try { model = new MuLanModel(config, tokenizer); }
        catch (ArgumentException ex) { throw new CheckpointFormatException(cfgPath, ex.Message, ex); }
        try { Checkpoint.LoadInto(path, model); }
        catch (ArgumentException ex) { model.Dispose(); throw new CheckpointFormatException(path, ex.Message, ex); }
        catch { model.Dispose(); throw; }
        model.eval();
        return model;
    }
}
