using System.Globalization;
using System.Text.RegularExpressions;
using MusicLM.Torch;
using MusicLM.Torch.nn;
using F = MusicLM.Torch.nn.functional;
using static MusicLM.Cli.Bench.BenchTools;

namespace MusicLM.Cli.Bench;

/// <summary>
/// Engine benchmarks B0–B3 as specified in ENGINE-BENCH.md beside this file: float32 on the CPU, every
/// core, seed 0, median of the timed runs after warm-up. Each prints one line in the spec's format;
/// with a PyTorch twin script the same workload is run there first and its median and the time
/// ratio (ours / PyTorch's) are appended.
/// </summary>
public static class EngineBench
{
    public static readonly string[] Workloads = { "B0", "B1", "B2", "B3" };

    public static int Run(IReadOnlyList<string> which, string? pytorchTwin, TextWriter output)
    {
        torch.set_num_threads(Environment.ProcessorCount);
        foreach (var w in which)
        {
            string? reference = pytorchTwin is null ? null : RunPython(pytorchTwin, w);
            torch.manual_seed(0);
            var (line, median) = w switch
            {
                "B0" => B0(),
                "B1" => B1(),
                "B2" => B2(),
                "B3" => B3(),
                _ => throw new ArgumentException($"unknown workload '{w}': expected one of {string.Join(", ", Workloads)}"),
            };
            if (reference != null)
            {
                var m = Regex.Match(reference, @"median_s=([0-9.eE+-]+)");
                if (m.Success)
                {
                    double theirs = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                    line += Inv($" pytorch_median_s={theirs:F4} time_ratio={median / theirs:F3}");
                }
                else line += " pytorch=unavailable";
            }
            output.WriteLine(line);
            output.Flush();
        }
        return 0;
    }

    private static (string, double) B0()
    {
        using var a = torch.randn(4);
        using var b = torch.randn(4);
        double t = Time(() =>
        {
            for (int i = 0; i < 100_000; i++)
            {
                using var c = a + b;
            }
        }, warm: 1, n: 5);
        return (Inv($"B0 small-op-overhead median_s={t:F4} us_per_op={t * 10:F2}"), t);
    }

    private static (string, double) B1()
    {
        using var model = new SeaNet();
        using var opt = new Torch.optim.AdamW(model.parameters(), lr: 3e-4);
        using var x = torch.randn(8, 1, 16000);
        double t = Time(() =>
        {
            opt.zero_grad(set_to_none: false);   // as the twin's zero_grad() in PyTorch 1.13
            var loss = F.l1_loss(model.forward(x), x);
            loss.backward();
            opt.step();
        }, warm: 3, n: 10);
        return (Inv($"B1 seanet-train-step params={model.num_parameters()} median_s={t:F4} audio_s_per_s={8 / t:F2}"), t);
    }

    private static (string, double) B2()
    {
        using var model = new TinyLM();
        using var opt = new Torch.optim.AdamW(model.parameters(), lr: 3e-4);
        using var idx = torch.randint(0, 1024, new long[] { 8, 256 });
        using var input = idx[.., ..^1].contiguous();
        using var target = idx[.., 1..].contiguous();
        double t = Time(() =>
        {
            opt.zero_grad(set_to_none: false);   // as the twin's zero_grad() in PyTorch 1.13
            var logits = model.forward(input);
            var loss = F.cross_entropy(logits.reshape(-1, 1024), target.reshape(-1));
            loss.backward();
            opt.step();
        }, warm: 3, n: 10);
        return (Inv($"B2 transformer-train-step params={model.num_parameters()} median_s={t:F4} tokens_per_s={8 * 255 / t:F0}"), t);
    }

    private static (string, double) B3()
    {
        using var model = new TinyLM();
        model.eval();
        long headDim = model.Width / model.Heads;
        double t = Time(() =>
        {
            using var _ = torch.no_grad();
            var caches = Enumerable.Range(0, model.Layers).Select(_ => new KVCache(1, model.Heads, model.MaxLength, headDim)).ToArray();
            var tok = torch.zeros(new long[] { 1, 1 }, ScalarType.Int64);
            for (int i = 0; i < 255; i++)
            {
                using var step = torch.NewDisposeScope();
                var logits = model.forward(tok, caches, i);               // (1, 1, V)
                tok = logits[.., -1].argmax(-1, keepdim: true).MoveToOuterDisposeScope();
            }
            foreach (var c in caches) c.Dispose();
        }, warm: 1, n: 5);
        return (Inv($"B3 kv-cache-greedy-255 median_s={t:F4} tokens_per_s={255 / t:F1}"), t);
    }
}
