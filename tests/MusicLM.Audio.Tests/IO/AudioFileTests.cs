namespace MusicLM.Audio.Tests.IO;

public sealed class AudioFileTests : IDisposable
{
    private readonly string _dir = Tools.TempDir("audiofile-");
    private readonly string _wav;
    private readonly AudioClip _source;

    public AudioFileTests()
    {
        int rate = 22050, n = rate;   // one second of a stereo chord
        var s = new float[2, n];
        for (int i = 0; i < n; i++)
        {
            s[0, i] = (float)(0.4 * Math.Sin(2 * Math.PI * 440 * i / rate));
            s[1, i] = (float)(0.3 * Math.Sin(2 * Math.PI * 660 * i / rate));
        }
        _wav = Path.Combine(_dir, "chord.wav");
        WavFile.Write(_wav, new AudioClip(s, rate));
        _source = WavFile.Read(_wav);   // quantised to 16 bits, what lossless formats must keep exactly
    }

    public void Dispose() => Directory.Delete(_dir, true);

    private string Ffmpeg(string ext, params string[] codecArgs)
    {
        var path = Path.Combine(_dir, "chord." + ext);
        Tools.Run("ffmpeg", ["-v", "error", "-y", "-i", _wav, .. codecArgs, path]);
        return path;
    }

    [Fact]
    public void Flac_made_by_ffmpeg_decodes_losslessly()
    {
        var clip = AudioFile.Read(Ffmpeg("flac"));
        Assert.Equal((2, 22050, 22050), (clip.Channels, clip.Frames, clip.SampleRate));
        Assert.Equal(_source.Samples, clip.Samples);
        var info = AudioFile.Probe(Path.Combine(_dir, "chord.flac"));
        Assert.Equal(("flac", 16), (info.Format, info.Bits));
    }

    [Theory]
    [InlineData("mp3", 0.06)]
    [InlineData("ogg", 0.06)]
    [InlineData("m4a", 0.06)]
    public void Lossy_formats_keep_rate_channels_and_duration(string ext, double durationTolerance)
    {
        var path = Ffmpeg(ext);
        var clip = AudioFile.Read(path);
        Assert.Equal((2, 22050), (clip.Channels, clip.SampleRate));
        Assert.InRange(clip.DurationSeconds, 1 - durationTolerance, 1 + durationTolerance);
        var info = AudioFile.Probe(path);
        Assert.Equal(ext, info.Format);
        Assert.Null(info.Bits);
        // the 440 Hz tone is still there: correlation with the source in the middle is high
        double dot = 0, a = 0, b = 0;
        for (int i = 5000; i < 15000; i++) { dot += clip.Samples[0, i] * _source.Samples[0, i]; a += clip.Samples[0, i] * clip.Samples[0, i]; b += _source.Samples[0, i] * _source.Samples[0, i]; }
        Assert.True(Math.Abs(dot) / Math.Sqrt(a * b) > 0.9, $"{ext}: correlation {dot / Math.Sqrt(a * b):F3}");
    }

    [Fact]
    public void Write_via_ffmpeg_then_read_back_is_lossless_for_flac()
    {
        var path = Path.Combine(_dir, "out.flac");
        AudioFile.Write(path, _source);
        Assert.Equal(_source.Samples, AudioFile.Read(path).Samples);
        Assert.Single(Directory.GetFiles(_dir, "*out*"));   // the temporary file is gone
    }

    [Fact]
    public void A_corrupt_file_is_an_AudioFormatException_with_ffmpegs_message()
    {
        var path = Path.Combine(_dir, "broken.mp3");
        File.WriteAllBytes(path, Enumerable.Range(0, 4000).Select(i => (byte)(i * 7919 % 251)).ToArray());
        var e = Assert.ThrowsAny<AudioFormatException>(() => AudioFile.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("ffprobe cannot read the file: ", e.Message);
        Assert.Contains("Invalid", e.Message);   // ffprobe's own words ("Invalid argument" / "Invalid data found")
    }

    [Fact]
    public void A_missing_ffmpeg_says_so_and_how_to_install_it()
    {
        var tool = new Ffmpeg("/nonexistent/ffmpeg", "/nonexistent/ffprobe");
        var e = Assert.Throws<AudioToolMissingException>(() => tool.Decode(Ffmpeg("flac")));
        Assert.Contains("ffprobe", e.Message);
        Assert.Contains("apt-get install ffmpeg", e.Message);
        var e2 = Assert.Throws<AudioToolMissingException>(() => tool.Encode(_source, Path.Combine(_dir, "x.mp3")));
        Assert.Equal("/nonexistent/ffmpeg", e2.Program);
    }
}
