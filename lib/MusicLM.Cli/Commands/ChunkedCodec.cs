using MusicLM.Codec;
using MusicLM.Torch;

namespace MusicLM.Cli.Commands;

/// <summary>
/// <see cref="CodecModel.EncodeChunked"/> and <see cref="CodecModel.DecodeChunked"/> with a report after each
/// chunk, for the progress line of long files. Same chunks and margins as the model's, so the same codes
/// and audio (the model's methods take no progress callback, and the CLI may not change the library).
/// </summary>
internal static class ChunkedCodec
{
    public const int ChunkFrames = 250;

    /// <summary>(B, 1, T) audio → (B, Q, F) codes; <paramref name="progress"/> gets (frames done, frames).</summary>
    public static Tensor Encode(CodecModel model, Tensor audio, int levels, Action<long, long>? progress = null)
    {
        long T = audio.size(-1), frames = model.FramesFor(T), hop = model.HopLength;
        var margin = (model.ReceptiveField + hop - 1) / hop + 1;               // frames
        using var scope = torch.NewDisposeScope();
        var parts = new List<Tensor>();
        for (long f0 = 0; f0 < frames; f0 += ChunkFrames)
        {
            var f1 = Math.Min(frames, f0 + ChunkFrames);
            var s0 = Math.Max(0, f0 - margin) * hop;
            var s1 = Math.Min(T, (f1 + margin) * hop);
            var codes = model.Encode(audio.narrow(-1, s0, s1 - s0), levels);  // (B, Q, frames of the window)
            parts.Add(codes.narrow(-1, f0 - s0 / hop, f1 - f0));
            progress?.Invoke(f1, frames);
        }
        return torch.cat(parts, -1).MoveToOuterDisposeScope();
    }

    /// <summary>(B, Q, F) codes → (B, C, F · hop) audio from the first <paramref name="levels"/> levels.</summary>
    public static Tensor Decode(CodecModel model, Tensor codes, int levels, Action<long, long>? progress = null)
    {
        long frames = codes.size(-1), hop = model.HopLength;
        var margin = model.decoder.ReceptiveFrames + 1;
        using var scope = torch.NewDisposeScope();
        var parts = new List<Tensor>();
        for (long f0 = 0; f0 < frames; f0 += ChunkFrames)
        {
            var f1 = Math.Min(frames, f0 + ChunkFrames);
            var g0 = Math.Max(0, f0 - margin);
            var g1 = Math.Min(frames, f1 + margin);
            var audio = model.Decode(codes.narrow(-1, g0, g1 - g0), levels);  // (B, C, (g1 − g0) · hop)
            parts.Add(audio.narrow(-1, (f0 - g0) * hop, (f1 - f0) * hop));
            progress?.Invoke(f1, frames);
        }
        return torch.cat(parts, -1).MoveToOuterDisposeScope();
    }
}
