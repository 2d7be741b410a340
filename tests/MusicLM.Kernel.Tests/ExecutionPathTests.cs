namespace MusicLM.Kernel.Tests;

/// <summary>
/// The kernel runs cells through its own submission runner, and through Roslyn's scripting API
/// with MUSICLM_KERNEL_EXECUTION=scripting: the same cells give the same results either way.
/// </summary>
[Collection("kernel")]
public sealed class ExecutionPathTests
{
    [Theory]
    [InlineData("direct")]
    [InlineData("scripting")]
    public void Both_execution_paths_keep_state_usings_types_and_tracebacks(string path)
    {
        var dir = Directory.CreateTempSubdirectory("musiclm-kernel-path-").FullName;
        var env = path == "scripting" ? new Dictionary<string, string> { ["MUSICLM_KERNEL_EXECUTION"] = "scripting" } : null;
        using var k = new KernelProcess(dir, env);

        // A cell of usings alone has no code to run, yet its using holds for later cells.
        Assert.Null(k.Eval("using System.Numerics;"));
        Assert.Equal("1", k.Eval("Vector2.One.X"));

        // Variables, methods and types of earlier cells; a type is the same type in every cell.
        Assert.Null(k.Eval("var count = 1;\nclass Point { public int X = 3; }\nint Twice(int n) => 2 * n;"));
        Assert.Equal("True", k.Eval("new Point().GetType() == typeof(Point)"));
        Assert.Equal("6", k.Eval("Twice(new Point().X)"));
        Assert.Equal("2", k.Eval("await Task.Delay(1);\ncount + 1"));

        // A cell that throws keeps what it defined before the throw; its traceback has the cell's lines.
        var (reply, outputs) = k.Run("var before = 5;\nint Fail() => throw new InvalidOperationException(\"no\");\nFail();");
        Assert.Equal("InvalidOperationException", reply.Content["ename"]!.GetValue<string>());
        var traceback = outputs.Single(m => m.MsgType == "error").Content["traceback"]!.AsArray().Select(t => t!.GetValue<string>()).ToList();
        Assert.Contains(traceback, t => t.Contains("line 2, in Fail"));
        Assert.Contains(traceback, t => t.Contains("line 3"));
        Assert.Equal("5", k.Eval("before"));

        // Frames in an earlier cell, in a lambda and after an await keep their cells' lines.
        var defining = k.Run("class Checker\n{\n    public int Check(int x) =>\n        x > 2 ? throw new ArgumentException(\"too big\") : x;\n}").Reply.Content["execution_count"]!.GetValue<int>();
        var (thrown, thrownOutputs) = k.Run("await Task.Yield();\nvar checker = new Checker();\nnew[] { 1, 2, 3 }.Select(x =>\n    checker.Check(x)).ToList()");
        Assert.Equal("ArgumentException", thrown.Content["ename"]!.GetValue<string>());
        var calling = thrown.Content["execution_count"]!.GetValue<int>();
        var lines = thrownOutputs.Single(m => m.MsgType == "error").Content["traceback"]!.AsArray().Select(t => t!.GetValue<string>()).ToList();
        Assert.Contains(lines, t => t.Contains($"Cell In[{defining}], line 4, in Check"));
        Assert.Contains(lines, t => t.Contains($"Cell In[{calling}], line 4"));
        Assert.Contains(lines, t => t.Contains($"Cell In[{calling}], line 3"));

        // A cell that does not compile changes nothing; the next one still sees everything.
        var (bad, _) = k.Run("var lost = 1;\nnotDefined");
        Assert.Equal("error", bad.Content["status"]!.GetValue<string>());
        Assert.Contains("(2,1): error CS0103", bad.Content["evalue"]!.GetValue<string>());
        Assert.Equal("7", k.Eval("count + before + 1"));
    }
}
