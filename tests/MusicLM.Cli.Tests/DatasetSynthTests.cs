using MusicLM.Cli.Commands;

namespace MusicLM.Cli.Tests;

public sealed class DatasetSynthTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cli-synth-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = DatasetSynth.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void Writes_the_dataset_and_prints_progress_and_a_summary()
    {
        var (code, output, err) = Run("--out", _dir, "--count", "4", "--seed", "9", "--sample-rate", "16000", "--duration", "1.5");
        Assert.True(code == 0, err);
        Assert.Equal(4, File.ReadAllLines(Path.Combine(_dir, "manifest.jsonl")).Length);
        Assert.Equal(4, Directory.GetFiles(Path.Combine(_dir, "clips"), "*.wav").Length);
        Assert.Contains("4/4 clips", output);
        Assert.Contains("done: 4 clips (4 generated, 0 already present)", output);
        Assert.Matches(@"\d+× real time", output);
        var (code2, output2, _) = Run("--out", _dir, "--count", "4", "--seed", "9", "--sample-rate", "16000", "--duration", "1.5");
        Assert.Equal(0, code2);
        Assert.Contains("(0 generated, 4 already present)", output2);
    }

    [Fact]
    public void Stereo_option_writes_two_channel_wavs()
    {
        Assert.Equal(0, Run("--out", _dir, "--count", "1", "--seed", "1", "--sample-rate", "8000", "--duration", "1", "--stereo").Code);
        var wav = File.ReadAllBytes(Path.Combine(_dir, "clips", "synth-000000.wav"));
        Assert.Equal(2, BitConverter.ToUInt16(wav, 22));
        Assert.Equal(8000u, BitConverter.ToUInt32(wav, 24));
    }

    [Theory]
    [InlineData("--out")]
    [InlineData("--count")]
    [InlineData("--seed")]
    [InlineData("--sample-rate")]
    public void Missing_required_option_is_a_clear_error(string missing)
    {
        var args = new List<string> { "--out", _dir, "--count", "2", "--seed", "1", "--sample-rate", "16000" };
        int i = args.IndexOf(missing);
        args.RemoveRange(i, 2);
        var (code, _, err) = Run(args.ToArray());
        Assert.NotEqual(0, code);
        Assert.Contains($"{missing} is required", err);
        Assert.False(File.Exists(Path.Combine(_dir, "manifest.jsonl")));
    }

    [Theory]
    [InlineData("--sample-rate", "4000", "at least 8000")]
    [InlineData("--count", "0", "at least 1")]
    [InlineData("--count", "many", "integer")]
    [InlineData("--duration", "-3", "--duration")]
    [InlineData("--bogus", "1", "unknown option '--bogus'")]
    public void Bad_values_are_clear_errors_with_a_nonzero_exit(string option, string value, string message)
    {
        var args = new List<string> { "--out", _dir, "--count", "2", "--seed", "1", "--sample-rate", "16000" };
        int i = args.IndexOf(option);
        if (i >= 0) args[i + 1] = value;
        else args.AddRange([option, value]);
        var (code, _, err) = Run(args.ToArray());
        Assert.NotEqual(0, code);
        Assert.Contains(message, err);
    }
}
