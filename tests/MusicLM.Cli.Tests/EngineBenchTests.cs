using System.Diagnostics;
using System.Text.RegularExpressions;
using MusicLM.Cli.Bench;
using MusicLM.Torch;

namespace MusicLM.Cli.Tests;

public class EngineBenchTests
{
    // Parameter counts stated in lib/MusicLM.Cli/Bench/ENGINE-BENCH.md: equal counts prove the same architecture as the PyTorch twin.
    [Fact]
    public void SeaNet_has_the_parameter_count_of_the_spec()
    {
        using var model = new SeaNet();
        Assert.Equal(7_748_321, model.num_parameters());
    }

    [Fact]
    public void SeaNet_turns_one_second_into_50_frames_and_back()
    {
        using var model = new SeaNet();
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var y = model.forward(torch.randn(1, 1, 16000));
        Assert.Equal(new long[] { 1, 1, 16000 }, y.shape);
    }

    [Fact]
    public void TinyLM_has_the_parameter_count_of_the_spec()
    {
        using var model = new TinyLM();
        Assert.Equal(20_096_000, model.num_parameters());
    }

    [Fact]
    public void B0_prints_the_spec_line()
    {
        var o = new StringWriter();
        EngineBench.Run(new[] { "B0" }, null, o);
        Assert.Matches(new Regex(@"^B0 small-op-overhead median_s=\d+\.\d+ us_per_op=\d+\.\d+$"), o.ToString().Trim());
    }

    [Fact]
    public void Incremental_decoding_with_caches_gives_the_logits_of_a_full_pass()
    {
        torch.manual_seed(1);
        using var model = new TinyLM(vocab: 50, width: 32, heads: 4, ff: 64, layers: 2, maxLength: 16);
        model.eval();
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var tokens = torch.randint(0, 50, new long[] { 1, 10 });
        var full = model.forward(tokens);                                   // (1, 10, V)
        var caches = Enumerable.Range(0, model.Layers).Select(_ => new MusicLM.Torch.nn.KVCache(1, 4, 16, 8)).ToArray();
        for (int i = 0; i < 10; i++)
        {
            var step = model.forward(tokens[.., i..(i + 1)], caches, i);    // (1, 1, V)
            Assert.True(step[0, 0].allclose(full[0, i], rtol: 1e-4, atol: 1e-5), $"position {i} differs");
        }
        foreach (var c in caches) c.Dispose();
    }

    /// <summary>The PyTorch twin in the repository, beside the C# benchmarks.</summary>
    private static string Twin()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "MusicLMNotebooks.sln"))) dir = dir.Parent;
        Assert.NotNull(dir);
        return Path.Combine(dir!.FullName, "lib", "MusicLM.Cli", "Bench", "engine_twin.py");
    }

    [Fact]
    public void The_PyTorch_twin_builds_the_B1_and_B2_models_with_the_parameter_counts_of_ours()
    {
        // Debian's Python has torch; the python3 on PATH may not.
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Twin());
        psi.ArgumentList.Add("params");
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"engine_twin.py params failed: {stderr.Result}");

        var counts = Regex.Matches(stdout, @"^(B\d) params=(\d+)$", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[1].Value, m => long.Parse(m.Groups[2].Value));
        using var seanet = new SeaNet();
        using var lm = new TinyLM();
        Assert.Equal(seanet.num_parameters(), counts["B1"]);
        Assert.Equal(lm.num_parameters(), counts["B2"]);
    }

    [Fact]
    public void With_the_PyTorch_twin_B0_appends_the_twins_median_and_the_time_ratio()
    {
        var o = new StringWriter();
        EngineBench.Run(new[] { "B0" }, Twin(), o);
        Assert.Matches(new Regex(@"^B0 small-op-overhead median_s=\d+\.\d+ us_per_op=\d+\.\d+ pytorch_median_s=\d+\.\d+ time_ratio=\d+\.\d+$"),
                       o.ToString().Trim());
    }
}
