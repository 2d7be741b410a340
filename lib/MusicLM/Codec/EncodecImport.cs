using MusicLM.Torch;
using MusicLM.Torch.Serialization;

namespace MusicLM.Codec;

/// <summary>
/// Loads Meta's pretrained EnCodec 24 kHz (<c>encodec_24khz-d7cc33bc.th</c>, a <c>torch.save</c> of the model's
/// state dict; fetch it with <c>data-scripts/encodec_weights.py</c>) into <see cref="CodecModel.Encodec24k"/>.
/// </summary>
public static class EncodecImport
{
    /// <summary>The official checkpoint's download address.</summary>
    public const string Url = "https://dl.fbaipublicfiles.com/encodec/v0/encodec_24khz-d7cc33bc.th";

    /// <summary>
    /// Reads the checkpoint and returns the model in evaluation mode. Keys and shapes are checked strictly:
    /// a mismatch names the missing and unexpected keys.
    /// </summary>
    public static CodecModel Load(string checkpointPath)
    {
        if (!File.Exists(checkpointPath))
            throw new FileNotFoundException($"EnCodec checkpoint not found at '{checkpointPath}' (download it with data-scripts/encodec_weights.py from {Url})", checkpointPath);
        var state = TorchCheckpoint.LoadStateDict(checkpointPath);
        var model = CodecModel.Encodec24k();
        try
        {
            var own = model.state_dict();
            var missing = own.Keys.Where(k => !state.ContainsKey(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
            var unexpected = state.Keys.Where(k => !own.ContainsKey(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
            if (missing.Count > 0 || unexpected.Count > 0)
                throw new ArgumentException(
                    $"'{checkpointPath}' is not an EnCodec 24 kHz state dict: {missing.Count} missing key(s) [{string.Join(", ", missing.Take(20))}{(missing.Count > 20 ? ", …" : "")}], " +
                    $"{unexpected.Count} unexpected key(s) [{string.Join(", ", unexpected.Take(20))}{(unexpected.Count > 20 ? ", …" : "")}]", nameof(checkpointPath));
            var wrong = own.Where(kv => !kv.Value.shape.SequenceEqual(state[kv.Key].shape))
                .Select(kv => $"{kv.Key}: expected [{string.Join(", ", kv.Value.shape)}], got [{string.Join(", ", state[kv.Key].shape)}]").ToList();
            if (wrong.Count > 0)
                throw new ArgumentException($"'{checkpointPath}' has tensors of the wrong shape for EnCodec 24 kHz: {string.Join("; ", wrong)}", nameof(checkpointPath));
            model.load_state_dict(state);
            model.eval();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
        finally
        {
            foreach (var t in state.Values) t.Dispose();
        }
    }
}
