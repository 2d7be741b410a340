using System.Globalization;
using System.Text.RegularExpressions;
using MusicLM.Audio.Synthesis;
using MusicLM.Codec;
using MusicLM.Torch;

using static MusicLM.Cli.Bench.BenchTools;

namespace MusicLM.Cli.Bench;

/// <summary>
/// Codec speed: encode and decode of 10 s of synthetic music (float32, eval mode, no gradients, the
/// codec's 8 first levels), median of 3 runs after one warm-up, as a multiple of real time (audio seconds /
/// wall seconds), for the course codec and EnCodec 24 kHz at 1 thread and at every core. Weights are
/// random (speed does not depend on them); codebooks are k-means-initialised on the clip so the nearest-code
/// search is a real one. With the PyTorch twin (codec_twin.py) EnCodec is also timed there, same shapes.
/// </summary>
public static class CodecBench
{
    public const double Seconds = 10;
    public const int Levels = 8;

    public static int Run(string? pytorchTwin, TextWriter output)
    {
        var threadCounts = Environment.ProcessorCount > 1 ? new[] { 1, Environment.ProcessorCount } : new[] { 1 };
        foreach (var (name, config) in new[] { ("course", CodecConfig.Course), ("encodec24k", CodecConfig.Encodec24k) })
        {
            torch.manual_seed(0);
            using var model = new CodecModel(config);
            var clip = SyntheticMusic.Generate(seed: 1, sampleRate: config.SampleRate, durationS: Seconds).Audio;
            using var x = torch.tensor(clip.Channel(0)).view(1, 1, -1);
            using (torch.no_grad()) model.forward(x).Dispose();                  // training pass: k-means initialises the codebooks
            model.eval();
            var levels = Math.Min(Levels, model.Levels);
            foreach (var threads in threadCounts)
            {
                torch.set_num_threads(threads);
                var encode = Time(() => model.Encode(x, levels), warm: 1, n: 3);
                using var codes = model.Encode(x, levels);
                var decode = Time(() => model.Decode(codes), warm: 1, n: 3);
                var line = Inv($"codec-speed preset={name} threads={threads} levels={levels} kbps={model.Bitrate(levels) / 1000:F1} audio_s={Seconds:F0} encode_s={encode:F4} encode_x_realtime={Seconds / encode:F1} decode_s={decode:F4} decode_x_realtime={Seconds / decode:F1}");
                if (pytorchTwin != null && name == "encodec24k")
                {
                    var twin = RunPython(pytorchTwin, Seconds.ToString(CultureInfo.InvariantCulture), Levels.ToString(CultureInfo.InvariantCulture), threads.ToString(CultureInfo.InvariantCulture));
                    var me = twin is null ? null : Regex.Match(twin, @"encode_median_s=([0-9.eE+-]+) decode_median_s=([0-9.eE+-]+)");
                    if (me is { Success: true })
                    {
                        double te = double.Parse(me.Groups[1].Value, CultureInfo.InvariantCulture), td = double.Parse(me.Groups[2].Value, CultureInfo.InvariantCulture);
                        line += Inv($" pytorch_encode_s={te:F4} pytorch_decode_s={td:F4} encode_time_ratio={encode / te:F2} decode_time_ratio={decode / td:F2}");
                    }
                    else line += " pytorch=unavailable";
                }
                output.WriteLine(line);
                output.Flush();
            }
        }
        torch.set_num_threads(Environment.ProcessorCount);
        return 0;
    }
}
