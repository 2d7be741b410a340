using System.Buffers.Binary;
using System.Text;
using MusicLM.Torch;

namespace MusicLM.Interactive.Tests;

public class WavTests
{
    /// <summary>An independent RIFF reader: (channels, rate, bits, interleaved int16 samples).</summary>
    private static (int Channels, int Rate, int Bits, short[] Data) ParseRiff(byte[] wav)
    {
        Assert.Equal("RIFF", Encoding.ASCII.GetString(wav, 0, 4));
        Assert.Equal(wav.Length - 8, BitConverter.ToInt32(wav, 4));
        Assert.Equal("WAVE", Encoding.ASCII.GetString(wav, 8, 4));
        int pos = 12, channels = 0, rate = 0, bits = 0;
        short[]? data = null;
        while (pos + 8 <= wav.Length)
        {
            var id = Encoding.ASCII.GetString(wav, pos, 4);
            var size = BitConverter.ToInt32(wav, pos + 4);
            var body = wav.AsSpan(pos + 8, size);
            if (id == "fmt ")
            {
                Assert.Equal(1, BitConverter.ToInt16(body[..2]));
                channels = BitConverter.ToInt16(body[2..4]);
                rate = BitConverter.ToInt32(body[4..8]);
                bits = BitConverter.ToInt16(body[14..16]);
            }
            else if (id == "data")
            {
                data = new short[size / 2];
                for (var i = 0; i < data.Length; i++) data[i] = BinaryPrimitives.ReadInt16LittleEndian(body[(2 * i)..]);
            }
            pos += 8 + size;
        }
        return (channels, rate, bits, data ?? throw new Xunit.Sdk.XunitException("no data chunk"));
    }

    [Fact]
    public void Python_wave_reads_rate_channels_frames_and_samples_back()
    {
        var x = Enumerable.Range(0, 1000).Select(i => (float)Math.Sin(2 * Math.PI * 440 * i / 16000) * 0.8f).ToArray();
        var path = Path.Combine(Path.GetTempPath(), $"musiclm-wav-{Guid.NewGuid():N}.wav");
        try
        {
            Audio.Play(x, 16000, "sine").Save(path);
            var script = "import wave,sys,struct\nw=wave.open(sys.argv[1]);n=w.getnframes();f=w.readframes(n)\n" +
                         "print(w.getframerate(),w.getnchannels(),w.getsampwidth(),n)\nprint(' '.join(str(v) for v in struct.unpack('<%dh'%n,f)))";
            var lines = Python.Run(script, path).Split('\n');
            Assert.Equal("16000 1 2 1000", lines[0].Trim());
            var decoded = lines[1].Split(' ').Select(s => int.Parse(s) / 32767.0).ToArray();
            for (var i = 0; i < x.Length; i++) Assert.True(Math.Abs(decoded[i] - x[i]) <= 1.0 / 32767, $"sample {i}: {decoded[i]} vs {x[i]}");
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Stereo_samples_are_interleaved_left_right()
    {
        var lr = new float[2, 3] { { 0.5f, 0.25f, 0f }, { -0.5f, -0.25f, 1f } };
        var (channels, rate, bits, data) = ParseRiff(Audio.Play(lr, 8000).ToWav());
        Assert.Equal((2, 8000, 16), (channels, rate, bits));
        Assert.Equal(new short[] { 16384, -16384, 8192, -8192, 0, 32767 }, data);
    }

    [Fact]
    public void Samples_outside_unit_range_are_clipped_and_normalisation_scales_the_peak_to_full_level()
    {
        var clipped = ParseRiff(Audio.Play(new[] { 2f, -3f, 0.5f }, 8000).ToWav()).Data;
        Assert.Equal(new short[] { 32767, -32767, 16384 }, clipped);
        var normalised = ParseRiff(Audio.Play(new[] { 0.25, -0.125, 0 }, 8000, normalize: true).ToWav()).Data;
        Assert.Equal(new short[] { 32767, -16384, 0 }, normalised);
        var silence = ParseRiff(Audio.Play(new float[4], 8000, normalize: true).ToWav()).Data;
        Assert.All(silence, s => Assert.Equal(0, s));
    }

    [Fact]
    public void Data_uri_decodes_to_the_wav_bytes()
    {
        var a = Audio.Play(new[] { 0.1f, 0.2f, -0.3f }, 22050, "clip");
        var uri = a.ToDataUri();
        Assert.StartsWith("data:audio/wav;base64,", uri);
        Assert.Equal(a.ToWav(), Convert.FromBase64String(uri["data:audio/wav;base64,".Length..]));
        var html = (string)a.ToMimeBundle()["text/html"];
        Assert.Contains("<audio controls", html);
        Assert.Contains(uri, html);
        Assert.Contains(">clip<", html);
    }

    [Fact]
    public void Plain_text_describes_duration_rate_and_channels()
    {
        var a = Audio.Play(new float[2, 12000], 24000, "original");
        Assert.Equal("Audio 'original': 0.50 s, 24000 Hz, 2 channels", (string)a.ToMimeBundle()["text/plain"]);
    }

    [Fact]
    public void Tensor_of_shape_1_C_T_plays_as_C_channels()
    {
        using var t = torch.from_array(new float[] { 0.5f, 0f, -0.5f, 1f }, 1, 2, 2);
        var a = Audio.Play(t, 8000);
        Assert.Equal((2, 2), (a.Channels, a.Frames));
        Assert.Equal(new short[] { 16384, -16384, 0, 32767 }, ParseRiff(a.ToWav()).Data);
    }

    [Fact]
    public void Double_tensor_is_converted_and_mono_tensor_has_one_channel()
    {
        using var t = torch.from_array(new double[] { 0.25, -0.25 });
        var a = Audio.Play(t, 8000);
        Assert.Equal(1, a.Channels);
        Assert.Equal(new short[] { 8192, -8192 }, ParseRiff(a.ToWav()).Data);
    }

    [Fact]
    public void Bad_input_is_rejected_with_a_clear_message()
    {
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => Audio.Play(Array.Empty<float>(), 16000)).Message);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => Audio.Play(new[] { 0f, float.NaN }, 16000)).Message);
        Assert.Contains("sample rate", Assert.Throws<ArgumentException>(() => Audio.Play(new[] { 0f }, 0)).Message);
        Assert.Contains("transposed", Assert.Throws<ArgumentException>(() => Audio.Play(new float[1000, 2], 16000)).Message);
        using var bad = torch.zeros(2, 2, 2);
        Assert.Contains("(T), (C, T) or (1, C, T)", Assert.Throws<ArgumentException>(() => Audio.Play(bad, 16000)).Message);
        using var ints = torch.arange(4);
        Assert.Contains("floating", Assert.Throws<ArgumentException>(() => Audio.Play(ints, 16000)).Message);
    }

    [Fact]
    public void Grid_shows_captions_with_a_player_each()
    {
        var x = new float[] { 0.1f, 0.2f };
        var grid = AudioGrid.Row(Audio.Play(x, 8000, "original"), Audio.Play(x, 8000, "Q=1"), Audio.Play(x, 8000, "Q=8"));
        var bundle = grid.ToMimeBundle();
        Assert.StartsWith("original | Q=1 | Q=8", (string)bundle["text/plain"]);
        var html = (string)bundle["text/html"];
        Assert.Equal(3, html.Split("<audio controls").Length - 1);
        Assert.Contains("flex-wrap:wrap", html);
        Assert.DoesNotContain("flex-basis:100%", html);   // one row, wrapping only where the page is narrow
        Assert.Throws<ArgumentException>(() => AudioGrid.Row(Array.Empty<Audio>()));
    }
}
