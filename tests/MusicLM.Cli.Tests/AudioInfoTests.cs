using System.Diagnostics;
using System.Text.Json;
using MusicLM.Audio;
using MusicLM.Cli.Commands;

namespace MusicLM.Cli.Tests;

public sealed class AudioInfoTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("audioinfo-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private (int Rc, string Out, string Err) Info(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int rc = AudioInfo.Run(args, o, e);
        return (rc, o.ToString(), e.ToString());
    }

    [Fact]
    public void A_wav_gives_one_json_object_with_every_field()
    {
        // stereo, 8 kHz, 4000 frames: left a square wave of ±0.5 (exact in 16 bits), right silent
        var s = new float[2, 4000];
        for (int i = 0; i < 4000; i++) s[0, i] = i / 10 % 2 == 0 ? 0.5f : -0.5f;
        var path = Path.Combine(_dir, "square.wav");
        WavFile.Write(path, new AudioClip(s, 8000));
        var (rc, o, e) = Info(path);
        Assert.Equal(0, rc);
        Assert.Equal("", e);
        Assert.Single(o.Trim().Split('\n'));
        var j = JsonDocument.Parse(o).RootElement;
        Assert.Equal(8000, j.GetProperty("sample_rate").GetInt32());
        Assert.Equal(2, j.GetProperty("channels").GetInt32());
        Assert.Equal(4000, j.GetProperty("frames").GetInt32());
        Assert.Equal(0.5, j.GetProperty("duration_s").GetDouble());
        Assert.Equal("wav", j.GetProperty("format").GetString());
        Assert.Equal(16, j.GetProperty("bits").GetInt32());
        // written as round(0.5 · 32767) = 16384 → read 16384 / 32768 = 0.5 exactly
        Assert.Equal(0.5, j.GetProperty("peak").GetDouble());
        // half the samples at 0.5, half silent: sqrt(0.25 / 2)
        Assert.Equal(Math.Sqrt(0.125), j.GetProperty("rms").GetDouble(), 5);
    }

    [Fact]
    public void An_mp3_reports_its_format_and_null_bits()
    {
        var wav = Path.Combine(_dir, "tone.wav");
        var tone = Enumerable.Range(0, 16000).Select(i => (float)(0.5 * Math.Sin(2 * Math.PI * 440 * i / 16000))).ToArray();
        WavFile.Write(wav, new AudioClip(tone, 16000));
        var mp3 = Path.Combine(_dir, "tone.mp3");
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true };
        foreach (var a in new[] { "-v", "error", "-y", "-i", wav, mp3 }) psi.ArgumentList.Add(a);
        using (var p = Process.Start(psi)!) { p.StandardError.ReadToEnd(); p.WaitForExit(); Assert.Equal(0, p.ExitCode); }
        var (rc, o, _) = Info(mp3);
        Assert.Equal(0, rc);
        var j = JsonDocument.Parse(o).RootElement;
        Assert.Equal("mp3", j.GetProperty("format").GetString());
        Assert.Equal(JsonValueKind.Null, j.GetProperty("bits").ValueKind);
        Assert.Equal(16000, j.GetProperty("sample_rate").GetInt32());
        Assert.InRange(j.GetProperty("duration_s").GetDouble(), 0.95, 1.1);
        Assert.InRange(j.GetProperty("peak").GetDouble(), 0.4, 0.6);
    }

    [Fact]
    public void A_missing_or_bad_file_exits_non_zero_with_one_line_on_stderr()
    {
        var missing = Path.Combine(_dir, "nope.wav");
        var (rc, o, e) = Info(missing);
        Assert.NotEqual(0, rc);
        Assert.Equal("", o);
        Assert.Single(e.Trim().Split('\n'));
        Assert.Contains(missing, e);
        Assert.Contains("no such file", e);

        var bad = Path.Combine(_dir, "bad.wav");
        File.WriteAllText(bad, "RIFF....WAVEjunk");
        (rc, _, e) = Info(bad);
        Assert.NotEqual(0, rc);
        Assert.Contains(bad, e);
        Assert.Single(e.Trim().Split('\n'));
    }

    [Fact]
    public void No_file_argument_prints_usage_and_exits_2()
    {
        var (rc, _, e) = Info();
        Assert.Equal(2, rc);
        Assert.Contains("usage: musiclm audio info FILE", e);
    }
}
