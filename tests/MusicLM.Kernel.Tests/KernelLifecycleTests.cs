using System.Text.Json.Nodes;

namespace MusicLM.Kernel.Tests;

/// <summary>Tests that need a kernel of their own: shutting down, restore from NuGet.</summary>
[Collection("kernel")]
public sealed class KernelLifecycleTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Shutdown_request_replies_and_ends_the_process(bool restart)
    {
        var dir = Directory.CreateTempSubdirectory("musiclm-kernel-shutdown-").FullName;
        using var k = new KernelProcess(dir);
        Assert.Null(k.Eval("var t = new Thread(() => Thread.Sleep(60_000)) { IsBackground = false }; t.Start();"));
        var reply = k.Reply(k.Control, k.Send(k.Control, "shutdown_request", new JsonObject { ["restart"] = restart }));
        Assert.Equal("ok", reply.Content["status"]!.GetValue<string>());
        Assert.Equal(restart, reply.Content["restart"]!.GetValue<bool>());
        Assert.True(k.Process.WaitForExit(5000), "the kernel did not exit (a foreground thread of a cell kept it alive?)");
        Assert.Equal(0, k.Process.ExitCode);
    }

    [Fact]
    public void Kernel_exits_by_itself_when_the_Jupyter_process_that_started_it_is_gone()
    {
        var dir = Directory.CreateTempSubdirectory("musiclm-kernel-orphan-").FullName;
        // Long enough for the kernel to start and answer a cell on a busy machine.
        using var parent = System.Diagnostics.Process.Start("sleep", "10")!;
        using var k = new KernelProcess(dir, new Dictionary<string, string> { ["JPY_PARENT_PID"] = parent.Id.ToString() });
        Assert.Equal("2", k.Eval("1 + 1"));
        Assert.False(k.Process.WaitForExit(500), "the kernel exited while its parent was alive");
        parent.WaitForExit();
        Assert.True(k.Process.WaitForExit(5000), "the kernel kept running after its parent died");
    }

    [Fact]
    public void Nuget_reference_restores_through_the_machines_package_sources()
    {
        var dir = Directory.CreateTempSubdirectory("musiclm-kernel-nuget-").FullName;
        using var k = new KernelProcess(dir);
        // Newtonsoft.Json 13.0.3 is in the machine's package cache (the test SDK uses it), so no network is needed.
        var (reply, outputs) = k.Run("#r \"nuget: Newtonsoft.Json, 13.0.3\"\nNewtonsoft.Json.JsonConvert.SerializeObject(new { a = 1 })", 180);
        Assert.True(reply.Content["status"]!.GetValue<string>() == "ok", reply.Content.ToJsonString());
        Assert.Equal("{\"a\":1}", outputs.Single(m => m.MsgType == "execute_result").Content["data"]!["text/plain"]!.GetValue<string>());

        var (bad, _) = k.Run("#r \"nuget: MusicLM.Surely.Not.A.Package, 0.0.1\"", 180);
        Assert.Equal("NuGetRestoreError", bad.Content["ename"]!.GetValue<string>());
    }
}
