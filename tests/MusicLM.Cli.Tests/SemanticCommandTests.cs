using System.Text.Json;
using MusicLM.Audio;
using MusicLM.Audio.Dataset;
using MusicLM.Audio.Synthesis;
using MusicLM.Cli.Commands;
using MusicLM.Codec;

namespace MusicLM.Cli.Tests;

/// <summary>Fitting reseeds the engine's process-wide generator: serial with the codec command's tests.</summary>
[Collection(CodecCommandCollection.Name)]
public sealed class SemanticCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("cli-semantic-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var code = SemanticCommand.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    /// <summary>A tokenizer fitted on two 2-second clips: 8 clusters, 3 steps of iteration 1.</summary>
    private string TinyModel()
    {
        var data = Path.Combine(dir, "data");
        SyntheticDataset.Create(data, 2, seed: 4, sampleRate: 16000, durationS: 2.0);
        var model = Path.Combine(dir, "semantic.safetensors");
        var (code, output, err) = Run("fit", "--data", data, "--out", model, "--clusters", "8", "--steps", "3", "--seed", "1");
        Assert.True(code == 0, err);
        Assert.Contains("features: 100 frames at 25 Hz", output);
        Assert.Contains("iteration 1: 3 steps of masked prediction", output);
        Assert.Contains("fitted iteration 1", output);
        Assert.True(File.Exists(model) && File.Exists(Path.ChangeExtension(model, ".json")));
        return model;
    }

    private string Wav(double seconds, int sampleRate = 16000)
    {
        var path = Path.Combine(dir, "in.wav");
        WavFile.Write(path, SyntheticMusic.Generate(1_000_000, sampleRate, seconds).Audio);
        return path;
    }

    [Fact]
    public void Fit_then_tokenize_prints_or_writes_25_tokens_per_second()
    {
        var model = TinyModel();
        var input = Wav(1.0);
        var (code, output, err) = Run("tokenize", "--model", model, "--in", input);
        Assert.True(code == 0, err);
        var printed = output.Trim().Split(' ').Select(long.Parse).ToArray();
        Assert.Equal(25, printed.Length);
        Assert.All(printed, t => Assert.InRange(t, 0, 7));

        var json = Path.Combine(dir, "in.tokens.json");
        (code, output, err) = Run("tokenize", "--model", model, "--in", input, "--out", json, "--iteration", "0");
        Assert.True(code == 0, err);
        Assert.Contains("25 tokens", output);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal(25.0, doc.RootElement.GetProperty("frame_rate").GetDouble());
        Assert.Equal(0, doc.RootElement.GetProperty("iteration").GetInt32());
        Assert.Equal(8, doc.RootElement.GetProperty("vocabulary_size").GetInt32());
        Assert.Equal(16000, doc.RootElement.GetProperty("samples").GetInt64());
        Assert.Equal(25, doc.RootElement.GetProperty("tokens").GetArrayLength());

        var txt = Path.Combine(dir, "in.tokens.txt");
        (code, _, err) = Run("tokenize", "--model", model, "--in", input, "--out", txt);
        Assert.True(code == 0, err);
        Assert.Equal(printed, File.ReadAllText(txt).Trim().Split(' ').Select(long.Parse).ToArray());
    }

    [Fact]
    public void Iteration_0_only_and_other_rates_work()
    {
        var data = Path.Combine(dir, "data0");
        SyntheticDataset.Create(data, 2, seed: 5, sampleRate: 22050, durationS: 1.0);
        var model = Path.Combine(dir, "iter0.safetensors");
        var (code, output, err) = Run("fit", "--data", data, "--out", model, "--clusters", "4", "--iterations", "0");
        Assert.True(code == 0, err);
        Assert.Contains("fitted iteration 0", output);
        Assert.DoesNotContain("masked prediction", output);
        (code, output, err) = Run("tokenize", "--model", model, "--in", Wav(0.5, sampleRate: 24000));
        Assert.True(code == 0, err);
        Assert.Equal(13, output.Trim().Split(' ').Length);                     // 0.5 s → 8000 samples at 16 kHz → ⌈8000 / 640⌉
        (code, _, err) = Run("tokenize", "--model", model, "--in", Wav(0.5), "--iteration", "1");
        Assert.Equal(1, code);
        Assert.Contains("iteration must be between 0 and 0", err);
    }

    [Fact]
    public void Bad_models_outputs_and_options_are_reported()
    {
        var codec = Path.Combine(dir, "codec.safetensors");
        using (var c = new CodecModel(CodecConfig.Course with { Seanet = SeanetConfig.Course with { NFilters = 2, Dimension = 8 }, CodebookSize = 16 }))
            c.Save(codec);
        var (code, _, err) = Run("tokenize", "--model", codec, "--in", Wav(0.5));
        Assert.Equal(1, code);
        Assert.Contains("not a semantic tokenizer", err);

        (code, _, err) = Run("tokenize", "--model", codec, "--in", Wav(0.5), "--out", Path.Combine(dir, "x.npy"));
        Assert.Equal(1, code);
        Assert.Contains("must end in .json or .txt", err);
        (code, _, err) = Run("fit", "--out", Path.Combine(dir, "s.safetensors"));
        Assert.Equal(2, code);
        Assert.Contains("--data is required", err);
        (code, _, err) = Run("fit", "--data", dir, "--out", Path.Combine(dir, "s.safetensors"), "--iterations", "2");
        Assert.Equal(2, code);
        Assert.Contains("--iterations must be 0 or 1", err);
    }
}
