using System.Diagnostics;
using System.Text.Json.Nodes;
using MusicLM.Kernel.Protocol;
using MusicLM.Kernel.Zmq;

namespace MusicLM.Kernel.Tests;

[Collection("kernel")]
public sealed class KernelProtocolTests(KernelFixture fixture)
{
    private readonly KernelProcess _k = fixture.Kernel;

    private static string Status(JupyterMessage reply) => reply.Content["status"]!.GetValue<string>();

    [Fact]
    public void Kernel_info_describes_csharp_over_protocol_5_3()
    {
        var reply = _k.Reply(_k.Shell, _k.Send(_k.Shell, "kernel_info_request", []));
        Assert.Equal("kernel_info_reply", reply.MsgType);
        Assert.Equal("5.3", reply.Content["protocol_version"]!.GetValue<string>());
        Assert.Equal("musiclm-csharp", reply.Content["implementation"]!.GetValue<string>());
        var lang = reply.Content["language_info"]!;
        Assert.Equal("csharp", lang["name"]!.GetValue<string>());
        Assert.Equal(".cs", lang["file_extension"]!.GetValue<string>());
        Assert.Equal("text/x-csharp", lang["mimetype"]!.GetValue<string>());
        Assert.Equal("5.3", reply.Header["version"]!.GetValue<string>());
    }

    [Fact]
    public void Requests_are_wrapped_in_busy_and_idle_with_the_request_as_parent()
    {
        var id = _k.Send(_k.Shell, "kernel_info_request", []);
        _k.Reply(_k.Shell, id);
        var states = _k.Outputs(id).Where(o => o.Message.MsgType == "status")
            .Select(o => o.Message.Content["execution_state"]!.GetValue<string>()).ToList();
        Assert.Equal(["busy", "idle"], states);
    }

    [Fact]
    public void Variables_persist_across_cells_and_the_trailing_expression_is_the_result()
    {
        Assert.Null(_k.Eval("var fortyOne = 41;"));
        Assert.Equal("42", _k.Eval("fortyOne + 1"));
        Assert.Null(_k.Eval("fortyOne++;"));
        Assert.Equal("42", _k.Eval("fortyOne"));
        Assert.Equal("done", _k.Eval("await Task.Delay(10); \"done\""));
    }

    [Fact]
    public void After_a_failed_cell_queued_cells_are_aborted_without_an_execution_count()
    {
        // Run All: three requests queued at once with stop_on_error; the first fails.
        string Queue(string code) => _k.Send(_k.Shell, "execute_request", new JsonObject
        {
            ["code"] = code, ["silent"] = false, ["store_history"] = true,
            ["user_expressions"] = new JsonObject(), ["allow_stdin"] = false, ["stop_on_error"] = true,
        });
        var failing = Queue("Thread.Sleep(300); throw new InvalidOperationException(\"stop here\");");
        var second = Queue("var ranAfterError = 1;");
        var third = Queue("2 + 2");
        Assert.Equal("error", Status(_k.Reply(_k.Shell, failing)));
        foreach (var id in new[] { second, third })
        {
            var reply = _k.Reply(_k.Shell, id);
            Assert.Equal("aborted", Status(reply));
            Assert.Null(reply.Content["execution_count"]);
            _k.Outputs(id);
        }
        _k.Outputs(failing);
        var (check, _) = _k.Run("ranAfterError");
        Assert.Equal("error", Status(check));   // the aborted cell never ran
    }

    [Fact]
    public void Execution_count_increments_and_silent_cells_do_not_count()
    {
        var (first, _) = _k.Run("1");
        var (silent, silentOut) = Run(silent: true, "2");
        var (second, _) = _k.Run("3");
        int a = first.Content["execution_count"]!.GetValue<int>(), b = second.Content["execution_count"]!.GetValue<int>();
        Assert.Equal(a + 1, b);
        Assert.Equal("ok", Status(silent));
        Assert.DoesNotContain(silentOut, m => m.MsgType is "execute_input" or "execute_result");
    }

    private (JupyterMessage, List<JupyterMessage>) Run(bool silent, string code)
    {
        var id = _k.Execute(code, silent);
        var reply = _k.Reply(_k.Shell, id);
        return (reply, _k.Outputs(id).Select(o => o.Message).Where(m => m.MsgType != "status").ToList());
    }

    [Fact]
    public void Console_output_streams_while_the_cell_runs()
    {
        var id = _k.Execute("Console.WriteLine(\"first\"); Thread.Sleep(300); Console.WriteLine(\"second\"); Console.Error.WriteLine(\"oops\");");
        var outputs = _k.Outputs(id);
        _k.Reply(_k.Shell, id);
        var streams = outputs.Where(o => o.Message.MsgType == "stream").ToList();
        var first = streams.First(s => s.Message.Content["text"]!.GetValue<string>().Contains("first"));
        var second = streams.First(s => s.Message.Content["text"]!.GetValue<string>().Contains("second"));
        Assert.DoesNotContain("second", first.Message.Content["text"]!.GetValue<string>());
        Assert.True(second.At - first.At > TimeSpan.FromMilliseconds(150), $"first at {first.At:O}, second at {second.At:O}");
        Assert.Contains(streams, s => s.Message.Content["name"]!.GetValue<string>() == "stderr" && s.Message.Content["text"]!.GetValue<string>() == "oops\n");
        // Everything printed arrives before the idle status.
        Assert.Equal("idle", outputs[^1].Message.Content["execution_state"]?.GetValue<string>());
    }

    [Fact]
    public void Display_and_update_display_through_the_AppContext_hook()
    {
        var (reply, outputs) = _k.Run("""
            var publish = (Action<IReadOnlyDictionary<string, object>, IReadOnlyDictionary<string, object>?, string?, bool>)AppContext.GetData("jupyter.kernel.publish_display")!;
            publish(new Dictionary<string, object> { ["text/plain"] = "v1", ["application/json"] = JsonNode.Parse("{\"a\": 1}")! }, null, "progress", false);
            publish(new Dictionary<string, object> { ["text/plain"] = "v2" }, new Dictionary<string, object> { ["isolated"] = true }, "progress", true);
            publish(new Dictionary<string, object> { ["text/html"] = "<b>x</b>" }, null, null, false);
            """);
        Assert.Equal("ok", Status(reply));
        var display = outputs.First(m => m.MsgType == "display_data");
        Assert.Equal("v1", display.Content["data"]!["text/plain"]!.GetValue<string>());
        Assert.Equal(1, display.Content["data"]!["application/json"]!["a"]!.GetValue<int>()); // a JSON object, not a string
        Assert.Equal("progress", display.Content["transient"]!["display_id"]!.GetValue<string>());
        var update = outputs.Single(m => m.MsgType == "update_display_data");
        Assert.Equal("v2", update.Content["data"]!["text/plain"]!.GetValue<string>());
        Assert.Equal("progress", update.Content["transient"]!["display_id"]!.GetValue<string>());
        Assert.True(update.Content["metadata"]!["isolated"]!.GetValue<bool>());
        var html = outputs.Last(m => m.MsgType == "display_data");
        Assert.Equal("<b>x</b>", html.Content["data"]!["text/html"]!.GetValue<string>());
        Assert.Null(html.Content["transient"]);
    }

    [Fact]
    public void Interrupt_token_hook_gives_the_running_cells_token()
    {
        Assert.Equal("False", _k.Eval("((Func<CancellationToken>)AppContext.GetData(\"jupyter.kernel.interrupt_token\")!)().IsCancellationRequested"));
        Assert.Equal("True", _k.Eval("((Func<CancellationToken>)AppContext.GetData(\"jupyter.kernel.interrupt_token\")!)().CanBeCanceled"));
    }

    [Fact]
    public void The_display_global_shows_text_without_any_toolkit()
    {
        var (reply, outputs) = _k.Run("display(\"hi\"); display(21 * 2);");
        Assert.Equal("ok", Status(reply));
        var texts = outputs.Where(m => m.MsgType == "display_data").Select(m => m.Content["data"]!["text/plain"]!.GetValue<string>()).ToList();
        Assert.Equal(["hi", "42"], texts);
    }

    [Fact]
    public void A_value_with_ToMimeBundle_is_shown_through_its_bundle()
    {
        var (reply, outputs) = _k.Run("""
            public sealed class Chart
            {
                public IReadOnlyDictionary<string, object> ToMimeBundle() => new Dictionary<string, object>
                {
                    ["text/html"] = "<div>chart</div>",
                    ["application/vnd.plotly.v1+json"] = new JsonObject { ["data"] = new JsonArray() },
                    ["text/plain"] = "a chart",
                };
            }
            new Chart()
            """);
        Assert.Equal("ok", Status(reply));
        var result = outputs.Single(m => m.MsgType == "execute_result");
        Assert.Equal("<div>chart</div>", result.Content["data"]!["text/html"]!.GetValue<string>());
        Assert.Equal("a chart", result.Content["data"]!["text/plain"]!.GetValue<string>());
        Assert.IsType<JsonArray>(result.Content["data"]!["application/vnd.plotly.v1+json"]!["data"]);
        Assert.Null(_k.Eval("(object?)null"));
        Assert.Null(_k.Eval("Console.Write(\"\")"));
    }

    [Fact]
    public void A_value_a_library_formats_through_the_format_hook_is_shown_with_its_bundle()
    {
        // What MusicLM.Interactive registers for Plotly.NET charts and DataFrames, which have no ToMimeBundle().
        var (reply, outputs) = _k.Run("""
            public sealed record Foreign(int N);
            AppContext.SetData("jupyter.kernel.format_value", new Func<object, IReadOnlyDictionary<string, object>?>(
                v => v is Foreign f ? new Dictionary<string, object> { ["text/html"] = $"<b>{f.N}</b>" } : null));
            new Foreign(7)
            """);
        Assert.Equal("ok", Status(reply));
        var data = outputs.Single(m => m.MsgType == "execute_result").Content["data"]!;
        Assert.Equal("<b>7</b>", data["text/html"]!.GetValue<string>());
        Assert.Equal("Foreign { N = 7 }", data["text/plain"]!.GetValue<string>());   // the kernel adds the text
        Assert.Equal("3", _k.Eval("3"));                                             // other values: unchanged
        _k.Run("AppContext.SetData(\"jupyter.kernel.format_value\", null);");
    }

    [Fact]
    public void Compile_errors_report_the_cells_line_and_column()
    {
        var (reply, outputs) = _k.Run("var fine = 1;\nvar bad = notDefined + 1;");
        Assert.Equal("error", Status(reply));
        Assert.Contains("(2,11): error CS0103: The name 'notDefined' does not exist", reply.Content["evalue"]!.GetValue<string>());
        var error = outputs.Single(m => m.MsgType == "error");
        Assert.Contains("(2,11): error CS0103", error.Content["traceback"]![0]!.GetValue<string>());
    }

    [Fact]
    public void Runtime_errors_have_a_traceback_trimmed_to_the_cell()
    {
        var (reply, outputs) = _k.Run("int Divide(int a, int b) => a / b;\nvar zero = 0;\nDivide(1, zero);");
        Assert.Equal("error", Status(reply));
        Assert.Equal("DivideByZeroException", reply.Content["ename"]!.GetValue<string>());
        var traceback = outputs.Single(m => m.MsgType == "error").Content["traceback"]!.AsArray().Select(t => t!.GetValue<string>()).ToList();
        Assert.Contains(traceback, t => t.Contains("line 1, in Divide"));
        Assert.Contains(traceback, t => t.Contains("line 3"));
        Assert.DoesNotContain(traceback, t => t.Contains("Microsoft.CodeAnalysis") || t.Contains("MusicLM.Kernel") || t.Contains("System.Runtime.CompilerServices"));
        // The kernel lives on.
        Assert.Equal("2", _k.Eval("1 + 1"));
    }

    [Fact]
    public void A_runaway_recursion_is_an_error_and_the_kernel_keeps_its_state()
    {
        Assert.Null(_k.Eval("var keep = 41;"));
        var (reply, outputs) = _k.Run("int F(int n) => F(n + 1) + 1; F(0)", 120);
        Assert.Equal("error", Status(reply));
        Assert.Equal("InsufficientExecutionStackException", reply.Content["ename"]!.GetValue<string>());
        Assert.Contains("recursion too deep", reply.Content["evalue"]!.GetValue<string>());
        var traceback = outputs.Single(m => m.MsgType == "error").Content["traceback"]!.AsArray().Select(t => t!.GetValue<string>()).ToList();
        // Thousands of identical frames fold into one line, as in Python.
        Assert.True(traceback.Count < 12, string.Join("\n", traceback));
        Assert.Contains(traceback, t => t.Contains("line 1, in F"));
        Assert.Contains(traceback, t => t.StartsWith("   [previous line repeated ", StringComparison.Ordinal));
        Assert.False(_k.Process.HasExited);
        Assert.Equal("41", _k.Eval("keep"));
    }

    [Fact]
    public void Recursion_in_a_property_and_after_an_await_is_stopped_too()
    {
        Assert.Null(_k.Eval("var kept = \"still here\";"));
        var (property, _) = _k.Run("class Loop { public int X => X; }\nnew Loop().X", 120);
        Assert.Equal("InsufficientExecutionStackException", property.Content["ename"]!.GetValue<string>());
        // After an await the cell goes on on a thread-pool thread, with a stack of its own.
        var (pooled, _) = _k.Run("await Task.Yield();\nint G(int n) => G(n + 1) + 1;\nG(0)", 120);
        Assert.Equal("InsufficientExecutionStackException", pooled.Content["ename"]!.GetValue<string>());
        Assert.Equal("still here", _k.Eval("kept"));
    }

    [Fact]
    public void Deep_but_finite_recursion_still_runs()
    {
        // 5,000 frames: well inside the 1 MiB the stack check allows cell code.
        Assert.Equal("5000", _k.Eval("int Depth(int n) => n == 0 ? 0 : 1 + Depth(n - 1);\nDepth(5000)"));
    }

    private void AssertInterruptStopsATightLoop(Action interrupt)
    {
        Assert.Null(_k.Eval("var keptAcrossInterrupt = 7; long spins = 0;"));
        // Interrupt only once the loop runs: on a loaded machine compiling the cell can take longer
        // than any fixed wait (an interrupt during compilation is tested by its own result, not here).
        var marker = Path.Combine(Path.GetTempPath(), "musiclm-spinning-" + Guid.NewGuid().ToString("N"));
        var id = _k.Execute($"System.IO.File.WriteAllText(@\"{marker}\", \"\"); while (true) {{ spins++; }}");
        var started = Stopwatch.StartNew();
        while (!File.Exists(marker) && started.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(20);
        Assert.True(File.Exists(marker), "the loop cell did not start within 60 s");
        File.Delete(marker);
        Thread.Sleep(200); // let it spin
        var clock = Stopwatch.StartNew();
        interrupt();
        var reply = _k.Reply(_k.Shell, id, 10);
        var elapsed = clock.Elapsed;
        _k.Outputs(id);
        Assert.Equal("error", Status(reply));
        Assert.Equal("Interrupted", reply.Content["ename"]!.GetValue<string>());
        // A loop nobody stops never replies (Reply gives up after 10 s); the bound is loose because
        // CI runs test projects side by side on 2 cores (a load average of 8 delayed one by 1.04 s).
        Assert.True(elapsed < TimeSpan.FromSeconds(5), $"stopped after {elapsed.TotalMilliseconds:F0} ms");
        Assert.Equal("7", _k.Eval("keptAcrossInterrupt"));
        Assert.Equal("True", _k.Eval("spins > 0"));
    }

    [Fact]
    public void Interrupt_request_on_control_stops_a_tight_loop_and_keeps_state() =>
        AssertInterruptStopsATightLoop(() =>
        {
            var reply = _k.Reply(_k.Control, _k.Send(_k.Control, "interrupt_request", []));
            Assert.Equal("interrupt_reply", reply.MsgType);
        });

    [Fact]
    public void Sigint_stops_a_tight_loop_and_keeps_state() =>
        AssertInterruptStopsATightLoop(() =>
        {
            using var kill = Process.Start("kill", ["-INT", _k.Process.Id.ToString()]);
            kill.WaitForExit();
        });

    [Fact]
    public void Interrupt_stops_an_await_that_ignores_cancellation()
    {
        var id = _k.Execute("await Task.Delay(60_000);");
        Thread.Sleep(500);
        var clock = Stopwatch.StartNew();
        _k.Reply(_k.Control, _k.Send(_k.Control, "interrupt_request", []));
        var reply = _k.Reply(_k.Shell, id, 10);
        _k.Outputs(id);
        Assert.Equal("Interrupted", reply.Content["ename"]!.GetValue<string>());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"stopped after {clock.Elapsed.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public void A_message_with_a_bad_signature_is_dropped_and_never_executed()
    {
        var marker = Path.Combine(fixture.WorkingDirectory, $"marker-{Guid.NewGuid():N}");
        var code = $"System.IO.File.WriteAllText(@\"{marker}\", \"x\");";
        var forged = _k.Message("execute_request", new JsonObject { ["code"] = code, ["silent"] = false });
        var frames = WireFormat.Encode(forged, new MessageSigner("not-the-key", "hmac-sha256"));
        _k.Shell.SendMultipart(frames);
        Assert.Null(_k.TryReply(_k.Shell, forged.MsgId, TimeSpan.FromSeconds(1)));
        Assert.False(File.Exists(marker));
        Assert.Contains("invalid signature", _k.Stderr);

        // The kernel is alive, and the same code signed with the right key does run.
        Assert.Null(_k.Eval(code));
        Assert.True(File.Exists(marker));
    }

    [Fact]
    public void Malformed_messages_are_logged_and_the_kernel_carries_on()
    {
        _k.Shell.SendMultipart(["garbage"u8.ToArray()]);
        _k.Shell.SendMultipart(["<IDS|MSG>"u8.ToArray(), "sig"u8.ToArray()]);
        // Correctly signed but not JSON.
        var key = new MessageSigner(_k.Connection.Key, "hmac-sha256");
        byte[][] parts = ["{not json"u8.ToArray(), "{}"u8.ToArray(), "{}"u8.ToArray(), "{}"u8.ToArray()];
        _k.Shell.SendMultipart([.. new[] { "<IDS|MSG>"u8.ToArray(), System.Text.Encoding.ASCII.GetBytes(key.Sign(parts)) }, .. parts]);
        // Valid message, content of the wrong shape.
        var id = _k.Send(_k.Shell, "complete_request", new JsonObject { ["code"] = 12, ["cursor_pos"] = "x" });
        Assert.Equal("error", Status(_k.Reply(_k.Shell, id)));
        Assert.Equal("ok", Status(_k.Reply(_k.Shell, _k.Send(_k.Shell, "kernel_info_request", []))));
        // stderr reaches the test through an asynchronous reader: give the log line a moment to arrive.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!_k.Stderr.Contains("malformed") && DateTime.UtcNow < deadline) Thread.Sleep(50);
        Assert.Contains("malformed", _k.Stderr);
    }

    [Fact]
    public void Heartbeat_echoes()
    {
        _k.Heartbeat.SendMultipart(["ping"u8.ToArray()]);
        Assert.True(_k.Heartbeat.Poll(5000));
        Assert.Equal("ping"u8.ToArray(), _k.Heartbeat.ReceiveMultipart()![0]);
    }

    private (List<string> Matches, int Start, int End) Complete(string code)
    {
        var reply = _k.Reply(_k.Shell, _k.Send(_k.Shell, "complete_request", new JsonObject { ["code"] = code, ["cursor_pos"] = code.Length }));
        Assert.Equal("ok", Status(reply));
        return ([.. reply.Content["matches"]!.AsArray().Select(m => m!.GetValue<string>())],
            reply.Content["cursor_start"]!.GetValue<int>(), reply.Content["cursor_end"]!.GetValue<int>());
    }

    [Fact]
    public void Completion_offers_earlier_variables_members_types_and_keywords()
    {
        _k.Eval("var abc = 1;");
        var (matches, start, end) = Complete("ab");
        Assert.Contains("abc", matches);
        Assert.Contains("abstract", matches);
        Assert.Equal((0, 2), (start, end));

        (matches, start, _) = Complete("\"x\".Len");
        Assert.Equal(["Length"], matches);
        Assert.Equal(4, start);

        (matches, _, _) = Complete("var list = new List<int>(); list.");
        Assert.Contains("Add", matches);
        Assert.Contains("Select", matches); // extension methods too
        Assert.Contains("StringBuilder", Complete("var sb = new StringBuil").Matches);
        Assert.Contains("WriteLine", Complete("Console.Wri").Matches);
    }

    [Fact]
    public void Inspection_shows_the_signature_and_summary()
    {
        var code = "Math.Sqrt";
        var reply = _k.Reply(_k.Shell, _k.Send(_k.Shell, "inspect_request", new JsonObject { ["code"] = code, ["cursor_pos"] = code.Length, ["detail_level"] = 0 }));
        Assert.True(reply.Content["found"]!.GetValue<bool>());
        Assert.Contains("Math.Sqrt(double)", reply.Content["data"]!["text/plain"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("var a = 1;", "complete")]
    [InlineData("Console.WriteLine(1)", "complete")]
    [InlineData("if (true) {", "incomplete")]
    [InlineData("var a = ", "incomplete")]
    [InlineData("void F() {\n  var x = 1;", "incomplete")]
    [InlineData("var x = );", "invalid")]
    public void Is_complete_tells_whole_cells_from_unfinished_ones(string code, string expected)
    {
        var reply = _k.Reply(_k.Shell, _k.Send(_k.Shell, "is_complete_request", new JsonObject { ["code"] = code }));
        Assert.Equal(expected, Status(reply));
    }

    [Fact]
    public void Hash_r_resolves_relative_to_the_working_directory_and_loads_dependencies_beside_it()
    {
        var (reply, outputs) = _k.Run("#r \"libs/Greeting.dll\"\nGreeting.Greeter.Greet()");
        Assert.True(Status(reply) == "ok", reply.Content.ToJsonString());
        Assert.Equal("hello from a dependency!", outputs.Single(m => m.MsgType == "execute_result").Content["data"]!["text/plain"]!.GetValue<string>());
        // Usings and references carry over to later cells.
        Assert.Equal("hello from a dependency!", _k.Eval("using Greeting;\nGreeter.Greet()"));
        Assert.Equal("hello from a dependency!", _k.Eval("Greeter.Greet()"));
    }

    [Fact]
    public void Hash_r_of_a_missing_file_is_a_compile_error()
    {
        var (reply, _) = _k.Run("#r \"libs/NotThere.dll\"");
        Assert.Equal("error", Status(reply));
        Assert.Contains("NotThere.dll", reply.Content["evalue"]!.GetValue<string>());
    }

    [Fact]
    public void Comm_info_and_history_answer_empty()
    {
        var comm = _k.Reply(_k.Shell, _k.Send(_k.Shell, "comm_info_request", []));
        Assert.Empty(comm.Content["comms"]!.AsObject());
        var history = _k.Reply(_k.Shell, _k.Send(_k.Shell, "history_request", new JsonObject { ["output"] = false, ["raw"] = true, ["hist_access_type"] = "tail", ["n"] = 5 }));
        Assert.Equal("ok", Status(history));
    }
}
