using System.Text.Json;
using MusicLM.Audio.Dataset;
using MusicLM.Cli.Commands;
using MusicLM.Codec;

namespace MusicLM.Cli.Tests;

[Collection(CodecCommandCollection.Name)]
public sealed class MulanCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("cli-mulan-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var code = MulanCommand.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void Train_then_embed_text_and_audio_prints_unit_embeddings_and_tokens()
    {
        var data = Path.Combine(dir, "synth");
        SyntheticDataset.Create(data, 8, 1, 16000, durationS: 1);
        var model = Path.Combine(dir, "mulan.safetensors");
        var (code, output, err) = Run("train", "--data", data, "--out", model, "--steps", "3", "--preset", "tiny", "--batch-size", "4", "--crop", "0.5");
        Assert.True(code == 0, err + output);
        Assert.Contains("trained 3 steps", output);
        Assert.True(File.Exists(model) && File.Exists(Path.ChangeExtension(model, ".tokenizer.json")));

        var (c1, textJson, e1) = Run("embed", "--model", model, "--text", "a slow ambient piece with bells", "--tokens");
        Assert.True(c1 == 0, e1);
        using var t = JsonDocument.Parse(textJson);
        var embedding = t.RootElement.GetProperty("embedding").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        Assert.Equal(16, embedding.Length);
        Assert.Equal(1.0, Math.Sqrt(embedding.Sum(x => x * x)), 4);
        Assert.Equal(4, t.RootElement.GetProperty("tokens").GetArrayLength());
        Assert.Equal("text", t.RootElement.GetProperty("source").GetString());

        var wav = Directory.GetFiles(data, "*.wav", SearchOption.AllDirectories)[0];
        var (c2, audioJson, e2) = Run("embed", "--model", model, "--in", wav);
        Assert.True(c2 == 0, e2);
        using var a = JsonDocument.Parse(audioJson);
        Assert.Equal(16, a.RootElement.GetProperty("embedding").GetArrayLength());
        Assert.False(a.RootElement.TryGetProperty("tokens", out _));
    }

    [Fact]
    public void Bad_requests_are_one_line_errors()
    {
        var (code, _, err) = Run("embed", "--model", "x.safetensors", "--text", "a", "--in", "b.wav");
        Assert.Equal(Cli.UsageError, code);
        Assert.Contains("exactly one of --text", err);

        var (code2, _, err2) = Run("train", "--data", dir, "--out", Path.Combine(dir, "m.safetensors"), "--steps", "1");
        Assert.Equal(Cli.RunError, code2);
        Assert.Contains("needs captions", err2);

        var codec = Path.Combine(dir, "codec.safetensors");
        using (var m = new CodecModel(CodecConfig.Course)) m.Save(codec);
        var (code3, _, err3) = Run("embed", "--model", codec, "--text", "piano");
        Assert.Equal(Cli.RunError, code3);
        Assert.Contains("not of a MuLan model", err3);
    }
}
