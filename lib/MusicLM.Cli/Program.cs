using MusicLM.Cli.Bench;
using MusicLM.Cli.Commands;
using MusicLM.Torch;

namespace MusicLM.Cli;

/// <summary>The <c>musiclm</c> command. Later issues add data, training and generation subcommands.</summary>
public static class Program
{
    private const string Usage = """
        usage: musiclm <command> [options]

        commands:
          demo [--steps N]                 train a tiny network on the CPU and print its loss falling
          info                             engine version, threads and devices
          audio info FILE                  one JSON object describing an audio file (WAV natively, others via ffmpeg)
          dataset synth --out DIR --count N [--seed S] [--sample-rate R] [--duration SECONDS] [--stereo]
                                           the synthetic captioned music dataset (WAVs, note sidecars, manifest.jsonl)
          analysis eval --manifest FILE [--split test]
                                           tempo and key estimation accuracy against a manifest's ground truth
          codec train --data DIR_OR_MANIFEST --out CHECKPOINT [--preset course] [--steps N | --minutes M] [--resume]
                                           train a neural audio codec (checkpoint + CSV log beside it)
          codec encode --model CHECKPOINT --in AUDIO --out FILE.codes [--levels Q]
          codec decode --model CHECKPOINT --in FILE.codes --out AUDIO.wav [--levels Q]
                                           audio to codec codes and back (CHECKPOINT may be EnCodec's .th)
          bench engine [B0|B1|B2|B3|all]   engine benchmarks (../shared/bench/ENGINE-BENCH.md)
                [--pytorch PATH]           also run the PyTorch twin script and print time ratios
          bench codec [--pytorch lib/MusicLM.Cli/Bench/codec_twin.py]
                                           codec encode/decode speed × real time (course, EnCodec 24 kHz)
        """;

    public static int Main(string[] args)
    {
        try
        {
            return Dispatch(args);
        }
        catch (Exception e) when (e is ArgumentException or TorchException or IOException)
        {
            Console.Error.WriteLine($"musiclm: {e.Message}");
            return 1;
        }
    }

    private static int Dispatch(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        switch (args[0])
        {
            case "demo":
                return Demo.Run(IntOption(args, "--steps", 500), Console.Out);
            case "info":
                Console.WriteLine($"libtorch {torch.version}");
                Console.WriteLine($"threads {torch.get_num_threads()}");
                Console.WriteLine($"cuda {(torch.cuda.is_available() ? torch.cuda.device_count() + " device(s)" : "not available")}");
                return 0;
            case "audio" when args.Length >= 2 && args[1] == "info":
                return AudioInfo.Run(args[2..], Console.Out, Console.Error);
            case "dataset" when args.Length >= 2 && args[1] == "synth":
                return DatasetSynth.Run(args[2..], Console.Out, Console.Error);
            case "analysis" when args.Length >= 2 && args[1] == "eval":
                return AnalysisEval.Run(args[2..], Console.Out, Console.Error);
            case "codec" when args.Length >= 2 && args[1] is "train" or "encode" or "decode":
                return CodecCommand.Run(args[1..], Console.Out, Console.Error);
            case "bench" when args.Length >= 2 && args.Skip(2).Any(a => a is "-h" or "--help"):
                Console.WriteLine(Usage);
                return 0;
            case "bench" when args.Length >= 2 && args[1] == "codec":
                OnlyOptions(args, 2, "--pytorch");
                var codecTwin = StringOption(args, "--pytorch");
                if (codecTwin != null && !File.Exists(codecTwin)) throw new ArgumentException($"PyTorch twin script not found: {codecTwin}");
                return CodecBench.Run(codecTwin, Console.Out);
            case "bench" when args.Length >= 2 && args[1] == "engine":
                OnlyOptions(args, 2, "--pytorch");
                var rest = args.Skip(2).Where(a => !a.StartsWith("--")).ToList();
                string? twin = StringOption(args, "--pytorch");
                rest.RemoveAll(a => a == twin);
                var which = rest.Count == 0 || rest.Contains("all") ? EngineBench.Workloads.ToList() : rest.Select(r => r.ToUpperInvariant()).ToList();
                if (twin != null && !File.Exists(twin)) throw new ArgumentException($"PyTorch twin script not found: {twin}");
                return EngineBench.Run(which, twin, Console.Out);
            default:
                Console.Error.WriteLine($"musiclm: unknown command '{string.Join(' ', args.Take(2))}'\n\n{Usage}");
                return 2;
        }
    }

    /// <summary>Refuses options (words starting with "--") other than <paramref name="known"/>, each of which takes a value.</summary>
    private static void OnlyOptions(string[] args, int from, params string[] known)
    {
        for (var i = from; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--")) continue;
            if (!known.Contains(args[i])) throw new ArgumentException($"unknown option {args[i]} for '{args[0]} {args[1]}' (options: {string.Join(", ", known)})");
            i++;
        }
    }

    private static string? StringOption(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        if (i < 0) return null;
        if (i + 1 >= args.Length) throw new ArgumentException($"{name} needs a value");
        return args[i + 1];
    }

    private static int IntOption(string[] args, string name, int fallback)
    {
        var s = StringOption(args, name);
        if (s is null) return fallback;
        if (!int.TryParse(s, out var v) || v < 10) throw new ArgumentException($"{name} must be an integer of at least 10, got '{s}'");
        return v;
    }
}
