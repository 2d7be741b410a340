using MusicLM.Audio;
using MusicLM.Torch;
using MusicLM.Torch.nn;
using MusicLM.Torch.Serialization;

namespace MusicLM.Codec;

/// <summary>
/// A neural audio codec (SoundStream, Zeghidour et al. 2021; EnCodec, Défossez et al. 2022): audio (B, C, T) →
/// SEANet encoder → latent (B, D, F) → residual VQ → codes (B, Q, F) → sum of code vectors → SEANet
/// decoder → audio. F = ⌈T / hop⌉. Keys match EnCodec's: <c>encoder.*</c>, <c>decoder.*</c>, <c>quantizer.vq.layers.*</c>.
/// </summary>
public sealed class CodecModel : Module<Tensor, CodecOutput>
{
    public readonly SeanetEncoder encoder;
    public readonly SeanetDecoder decoder;
    public readonly ResidualVectorQuantizer quantizer;

    public CodecConfig Config { get; }

    public CodecModel(CodecConfig config)
    {
        config.Validate();
        Config = config;
        encoder = new SeanetEncoder(config.Seanet);
        decoder = new SeanetDecoder(config.Seanet);
        quantizer = new ResidualVectorQuantizer(config.Quantizer);
    }

    /// <summary>The course's small codec (16 kHz, 50 Hz, 8 × 256 codes).</summary>
    public static CodecModel Course() => new(CodecConfig.Course);
    /// <summary>MusicLM's SoundStream (24 kHz, 50 Hz, 12 × 1024 codes).</summary>
    public static CodecModel SoundStream() => new(CodecConfig.SoundStream);
    /// <summary>EnCodec 24 kHz's architecture (random weights; <see cref="EncodecImport.Load"/> fills in the official ones).</summary>
    public static CodecModel Encodec24k() => new(CodecConfig.Encodec24k);

    public int SampleRate => Config.SampleRate;
    public int Channels => Config.Channels;
    public int HopLength => Config.HopLength;
    /// <summary>Q, the number of residual levels.</summary>
    public int Levels => quantizer.Levels;
    public int CodebookSize => Config.CodebookSize;
    public double FrameRate => Config.FrameRate;
    /// <summary>Bits per second when decoding from <paramref name="levels"/> levels (default all).</summary>
    public double Bitrate(int? levels = null) => Config.Bitrate(levels ?? Levels);
    /// <summary>Input samples one frame depends on through the encoder's convolutions (an LSTM adds memory of the past).</summary>
    public long ReceptiveField => encoder.ReceptiveField;
    /// <summary>Frames for <paramref name="samples"/> samples: ⌈T / hop⌉.</summary>
    public long FramesFor(long samples) => (samples + HopLength - 1) / HopLength;

    /// <summary>Codes of audio (B, C, T) → (B, n, ⌈T / hop⌉) int64, n = <paramref name="levels"/> (default Q).</summary>
    public Tensor Encode(Tensor audio, int? levels = null, int? sampleRate = null)
    {
        CheckAudio(audio, sampleRate);
        CheckLevels(levels);
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var z = encoder.forward(audio);                                       // (B, D, F)
        return quantizer.Encode(z, levels).MoveToOuterDisposeScope();         // (B, n, F)
    }

    /// <summary>Audio (B, C, F · hop) from codes (B, n, F), using the first <paramref name="levels"/> levels (default all n given).</summary>
    public Tensor Decode(Tensor codes, int? levels = null)
    {
        CheckCodes(codes);
        var n = levels ?? (int)codes.size(1);
        if (n < 1 || n > codes.size(1)) throw new ArgumentException($"levels must be between 1 and {codes.size(1)} (the levels in the codes), got {n}", nameof(levels));
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var z = quantizer.Decode(codes.narrow(1, 0, n));                      // (B, D, F)
        return decoder.forward(z).MoveToOuterDisposeScope();                  // (B, C, F · hop)
    }

    /// <summary>
    /// Encode then decode audio (B, C, T) with the first <paramref name="levels"/> levels (default all): the
    /// reconstruction (B, C, T), trimmed to the input's length.
    /// </summary>
    public Tensor Reconstruct(Tensor audio, int? levels = null)
    {
        using var scope = torch.NewDisposeScope();
        var codes = Encode(audio, levels);
        return Decode(codes).narrow(-1, 0, audio.size(-1)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A clip through the codec with the first <paramref name="levels"/> levels (default all): mixed to mono for a
    /// mono codec, resampled to the codec's rate when it differs; the result is at the codec's rate.
    /// </summary>
    public AudioClip Reconstruct(AudioClip clip, int? levels = null)
    {
        ArgumentNullException.ThrowIfNull(clip);
        if (clip.Frames == 0) throw new ArgumentException("the clip is empty", nameof(clip));
        var c = Channels == 1 && clip.Channels > 1 ? clip.ToMono() : clip;
        if (c.Channels != Channels) throw new ArgumentException($"this codec takes {Channels} channel(s), the clip has {c.Channels}", nameof(clip));
        if (c.SampleRate != SampleRate) c = Resampler.Resample(c, SampleRate);
        using var scope = torch.NewDisposeScope();
        var x = c.ToTensor().unsqueeze(0);                           // (1, C, T)
        var y = Reconstruct(x, levels).squeeze(0);                             // (C, T)
        return AudioTensor.FromTensor(y, SampleRate);
    }

    /// <summary>
    /// The training pass on audio (B, C, T): reconstruction (B, C, T), commitment loss and codes. Gradients
    /// reach the encoder through the straight-through quantizer; the codebooks follow by EMA.
    /// </summary>
    public override CodecOutput forward(Tensor audio)
    {
        CheckAudio(audio, null);
        using var scope = torch.NewDisposeScope();
        var z = encoder.forward(audio);                                       // (B, D, F)
        var q = quantizer.forward(z);                                         // (B, D, F), codes (B, n_q, F)
        var y = decoder.forward(q.Quantized);                                 // (B, C, F · hop)
        var recon = y.narrow(-1, 0, audio.size(-1));                          // (B, C, T)
        return new CodecOutput(recon.MoveToOuterDisposeScope(), q.CommitmentLoss.MoveToOuterDisposeScope(), q.Codes.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// <see cref="Encode"/> for long audio, <paramref name="chunkFrames"/> frames at a time. Each chunk is encoded
    /// with a margin of the receptive field on both sides and hop-aligned, so for a convolutional codec the
    /// codes equal the unchunked ones; with an LSTM (EnCodec) the margin only warms up its state, so they are close.
    /// <paramref name="progress"/>, if given, is called after each chunk with (frames done, frames).
    /// </summary>
    public Tensor EncodeChunked(Tensor audio, int chunkFrames = 250, int? levels = null, int? sampleRate = null,
                                Action<long, long>? progress = null)
    {
        CheckAudio(audio, sampleRate);
        CheckLevels(levels);
        if (chunkFrames < 1) throw new ArgumentException($"chunkFrames must be at least 1, got {chunkFrames}", nameof(chunkFrames));
        long T = audio.size(-1), frames = FramesFor(T), hop = HopLength;
        var margin = (ReceptiveField + hop - 1) / hop + 1;                    // frames
        using var scope = torch.NewDisposeScope();
        var parts = new List<Tensor>();
        for (long f0 = 0; f0 < frames; f0 += chunkFrames)
        {
            var f1 = Math.Min(frames, f0 + chunkFrames);
            var s0 = Math.Max(0, f0 - margin) * hop;
            var s1 = Math.Min(T, (f1 + margin) * hop);
            var codes = Encode(audio.narrow(-1, s0, s1 - s0), levels);        // (B, n, frames of the window)
            parts.Add(codes.narrow(-1, f0 - s0 / hop, f1 - f0));
            progress?.Invoke(f1, frames);
        }
        return torch.cat(parts, -1).MoveToOuterDisposeScope();                 // (B, n, F)
    }

    /// <summary>
    /// <see cref="Decode"/> for long code sequences, <paramref name="chunkFrames"/> frames at a time with the decoder's
    /// receptive field as margin; <paramref name="progress"/>, if given, is called after each chunk with (frames done, frames).
    /// </summary>
    public Tensor DecodeChunked(Tensor codes, int chunkFrames = 250, int? levels = null, Action<long, long>? progress = null)
    {
        CheckCodes(codes);
        if (chunkFrames < 1) throw new ArgumentException($"chunkFrames must be at least 1, got {chunkFrames}", nameof(chunkFrames));
        long frames = codes.size(-1), hop = HopLength;
        var margin = decoder.ReceptiveFrames + 1;
        using var scope = torch.NewDisposeScope();
        var parts = new List<Tensor>();
        for (long f0 = 0; f0 < frames; f0 += chunkFrames)
        {
            var f1 = Math.Min(frames, f0 + chunkFrames);
            var g0 = Math.Max(0, f0 - margin);
            var g1 = Math.Min(frames, f1 + margin);
            var audio = Decode(codes.narrow(-1, g0, g1 - g0), levels);         // (B, C, (g1 − g0) · hop)
            parts.Add(audio.narrow(-1, (f0 - g0) * hop, (f1 - f0) * hop));
            progress?.Invoke(f1, frames);
        }
        return torch.cat(parts, -1).MoveToOuterDisposeScope();                 // (B, C, F · hop)
    }

    /// <summary>Saves weights (safetensors) and config (JSON beside them).</summary>
    public void Save(string path) => Checkpoint.Save(path, this, Config);

    /// <summary>Loads a codec saved with <see cref="Save"/>.</summary>
    public static CodecModel Load(string path)
    {
        var model = new CodecModel(Checkpoint.Load<CodecConfig>(path));
        try { Checkpoint.LoadInto(path, model); }
        catch { model.Dispose(); throw; }
        return model;
    }

    private void CheckAudio(Tensor audio, int? sampleRate)
    {
        if (sampleRate.HasValue && sampleRate.Value != SampleRate)
            throw new ArgumentException($"this codec expects audio at {SampleRate} Hz, got {sampleRate} Hz (resample it first)", nameof(sampleRate));
        if (audio.dim() != 3)
            throw new ArgumentException($"audio must have shape (B, {Channels}, T), got [{string.Join(", ", audio.shape)}]", nameof(audio));
        if (audio.size(1) != Channels)
            throw new ArgumentException($"this codec expects {Channels} channel(s), got {audio.size(1)} (audio shape (B, C, T) = [{string.Join(", ", audio.shape)}])", nameof(audio));
        if (audio.size(-1) == 0 || audio.size(0) == 0)
            throw new ArgumentException($"audio is empty (shape [{string.Join(", ", audio.shape)}]); expected at least 1 sample", nameof(audio));
        if (!audio.is_floating_point())
            throw new ArgumentException($"audio must be floating point, got {audio.dtype}", nameof(audio));
    }

    private void CheckLevels(int? levels)
    {
        if (levels is { } n && (n < 1 || n > Levels))
            throw new ArgumentException($"levels must be between 1 and {Levels}, got {n}", nameof(levels));
    }

    private void CheckCodes(Tensor codes)
    {
        if (codes.dim() != 3 || codes.size(1) < 1 || codes.size(1) > Levels || codes.size(2) < 1 || codes.size(0) < 1)
            throw new ArgumentException($"codes must have shape (B, n, F) with 1 ≤ n ≤ {Levels} and F ≥ 1, got [{string.Join(", ", codes.shape)}]", nameof(codes));
        if (codes.dtype != ScalarType.Int64)
            throw new ArgumentException($"codes must be int64, got {codes.dtype}", nameof(codes));
        using var min = codes.min();
        using var max = codes.max();
        if (min.item() < 0 || max.item() >= CodebookSize)
            throw new ArgumentException($"codes must lie in [0, {CodebookSize}), got values from {min.item()} to {max.item()}", nameof(codes));
    }
}
