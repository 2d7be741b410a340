using System.Text.Json.Nodes;
using MusicLM.Kernel.Protocol;

namespace MusicLM.Kernel.Tests;

/// <summary>
/// complete_request answered by Roslyn's CompletionService, through the protocol: members,
/// extension methods, keywords, types and names from earlier cells, each with the replaced span
/// in code points; the basic completer as the fallback.
/// </summary>
[Collection("kernel")]
public sealed class CompletionTests(KernelFixture fixture)
{
    private readonly KernelProcess _k = fixture.Kernel;

    /// <summary>A complete_reply's parts; the cursor in code points (the whole code when null).</summary>
    private sealed record Completion(List<string> Matches, int Start, int End, string? Completer, JsonArray? Types)
    {
        public string? TypeOf(string match) =>
            Types?.FirstOrDefault(t => t!["text"]!.GetValue<string>() == match)?["type"]?.GetValue<string>();
    }

    private static int CodePoints(string s) => s.EnumerateRunes().Count();

    private static Completion Read(JupyterMessage reply)
    {
        Assert.Equal("ok", reply.Content["status"]!.GetValue<string>());
        var metadata = reply.Content["metadata"]!;
        return new Completion(
            [.. reply.Content["matches"]!.AsArray().Select(m => m!.GetValue<string>())],
            reply.Content["cursor_start"]!.GetValue<int>(), reply.Content["cursor_end"]!.GetValue<int>(),
            metadata["completer"]?.GetValue<string>(), metadata["_jupyter_types_experimental"]?.AsArray());
    }

    private static string Request(KernelProcess k, string code, int? cursor) =>
        k.Send(k.Shell, "complete_request", new JsonObject { ["code"] = code, ["cursor_pos"] = cursor ?? CodePoints(code) });

    private Completion Complete(string code, int? cursor = null) => Read(_k.Reply(_k.Shell, Request(_k, code, cursor)));

    /// <summary>
    /// Roslyn's answer: the basic completer answers while the workspace warms up (seconds after the
    /// first cell) or while a new cell is mirrored, so ask again until Roslyn does.
    /// </summary>
    private Completion Roslyn(string code, int? cursor = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            var c = Complete(code, cursor);
            if (c.Completer == "roslyn") return c;
            Assert.True(DateTime.UtcNow < deadline, $"Roslyn never answered the completion of '{code}'; kernel stderr:\n{_k.Stderr}");
            Thread.Sleep(250);
        }
    }

    [Fact]
    public void Members_of_a_string_replace_the_word_after_the_dot()
    {
        var c = Roslyn("\"abc\".Sub");
        Assert.Equal(["Substring"], c.Matches);
        Assert.Equal((6, 9), (c.Start, c.End));
        Assert.Equal("method", c.TypeOf("Substring"));
    }

    [Fact]
    public void Members_of_a_library_type_referenced_with_r()
    {
        _k.Eval("#r \"libs/Greeting.dll\"");
        var code = "Greeting.Greeter.Gr";
        var c = Roslyn(code);
        Assert.Contains("Greet", c.Matches);
        Assert.Equal((code.Length - 2, code.Length), (c.Start, c.End));

        // A #r in the cell being typed counts too, before the cell has run.
        code = "#r \"libs/Greeting.Words.dll\"\nGreeting.Words.He";
        c = Roslyn(code);
        Assert.Equal(["Hello"], c.Matches);
        Assert.Equal("property", c.TypeOf("Hello"));
    }

    [Fact]
    public void Extension_methods_on_a_list_from_an_earlier_cell()
    {
        _k.Eval("var primesForCompletion = new List<int> { 2, 3, 5 };");
        var code = "primesForCompletion.Wh";
        var c = Roslyn(code);
        Assert.Contains("Where", c.Matches);
        Assert.Equal((code.Length - 2, code.Length), (c.Start, c.End));
        Assert.All(c.Matches, m => Assert.StartsWith("Wh", m, StringComparison.OrdinalIgnoreCase));

        // After the dot, nothing typed: the list's own members and LINQ's.
        c = Roslyn("primesForCompletion.");
        Assert.Contains("Add", c.Matches);
        Assert.Contains("Select", c.Matches);
        Assert.Contains("OrderByDescending", c.Matches);
        Assert.Equal(("primesForCompletion.".Length, "primesForCompletion.".Length), (c.Start, c.End));

        // A lambda's parameter is typed from the list's element type.
        code = "primesForCompletion.Select(p => p.CompareT";
        c = Roslyn(code);
        Assert.Equal(["CompareTo"], c.Matches);
        Assert.Equal(code.Length - "CompareT".Length, c.Start);
    }

    [Fact]
    public void Keywords_fit_where_the_cursor_is()
    {
        var c = Roslyn("whi");
        Assert.Contains("while", c.Matches);
        Assert.Equal("keyword", c.TypeOf("while"));
        Assert.Equal((0, 3), (c.Start, c.End));

        var loop = "foreach (var i in new[] { 1 }) { brea";
        c = Roslyn(loop);
        Assert.Contains("break", c.Matches);
        Assert.Equal(loop.Length - 4, c.Start);
    }

    [Fact]
    public void Types_by_prefix_and_by_camel_humps()
    {
        var code = "var sb = new StringBui";
        var c = Roslyn(code);
        Assert.Equal(["StringBuilder"], c.Matches);
        Assert.Equal((13, code.Length), (c.Start, c.End));
        Assert.Equal("class", c.TypeOf("StringBuilder"));

        Assert.Contains("StringBuilder", Roslyn("new SB").Matches);
    }

    [Fact]
    public void Matches_are_sorted_by_how_well_they_fit_what_is_typed()
    {
        var c = Roslyn("str");
        // The case-exact prefix (the keyword) comes before the same prefix in another case (the types).
        Assert.Contains("string", c.Matches);
        Assert.Contains("StringBuilder", c.Matches);
        Assert.True(c.Matches.IndexOf("string") < c.Matches.IndexOf("StringBuilder"), string.Join(", ", c.Matches));
        Assert.All(c.Matches, m => Assert.StartsWith("str", m, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Names_defined_in_earlier_cells()
    {
        _k.Eval("var completionCount = 3;\nint TwiceForCompletion(int x) => 2 * x;\nclass CompletionWidget { public int Size; public string Label = \"\"; }");
        Assert.Contains("completionCount", Roslyn("var n = completionCo").Matches);
        Assert.Equal(["TwiceForCompletion"], Roslyn("TwiceForCo").Matches);
        Assert.Contains("CompletionWidget", Roslyn("new CompletionWid").Matches);
        var members = Roslyn("new CompletionWidget().");
        Assert.Contains("Size", members.Matches);
        Assert.Contains("Label", members.Matches);
    }

    [Fact]
    public void Typing_on_in_a_word_filters_again_and_a_new_cell_refreshes_the_list()
    {
        _k.Eval("var typingList = new List<string>();");
        Assert.Contains("OrderByDescending", Roslyn("typingList.Or").Matches);
        var c = Roslyn("typingList.OrderByD");
        Assert.Equal(["OrderByDescending"], c.Matches);
        Assert.Equal(("typingList.".Length, "typingList.OrderByD".Length), (c.Start, c.End));
        c = Roslyn("typingList.O");
        Assert.Contains("OfType", c.Matches);
        Assert.Contains("OrderBy", c.Matches);

        // The same context after a cell that defines a name: the name is there.
        Assert.DoesNotContain("typingLater", Roslyn("typingL").Matches);
        _k.Eval("var typingLater = 2;");
        Assert.Contains("typingLater", Roslyn("typingL").Matches);
    }

    [Fact]
    public void Cursor_positions_count_code_points_not_utf16_units()
    {
        // An emoji is one code point and two UTF-16 units: "Len" starts at code point 5 (UTF-16 unit 7).
        var code = "\"😀😀\".Len";
        Assert.Equal((5, 7), (CodePoints("\"😀😀\"."), "\"😀😀\".".Length));
        var c = Roslyn(code);
        Assert.Equal(["Length"], c.Matches);
        Assert.Equal((5, 8), (c.Start, c.End));

        // A cursor inside a word: the span is the whole word, after the emoji as well.
        code = "var t = \"😀\"; Console.WriteLine(t)";
        int cursor = CodePoints("var t = \"😀\"; Console.Write");
        c = Roslyn(code, cursor);
        Assert.Contains("WriteLine", c.Matches);
        int start = CodePoints("var t = \"😀\"; Console.");
        Assert.Equal((start, start + "WriteLine".Length), (c.Start, c.End));
    }

    [Fact]
    public void Unknown_context_answers_an_empty_list_without_error()
    {
        var c = Roslyn("notDefinedAnywhere.");
        Assert.Empty(c.Matches);
        // A comment offers nothing either, and the kernel carries on.
        Assert.Empty(Roslyn("// Consol").Matches);
        Assert.Equal("2", _k.Eval("1 + 1"));
    }

    [Fact]
    public void A_completion_sent_while_a_cell_runs_is_answered_after_it()
    {
        var cell = _k.Execute("var definedWhileRunning = 7; Thread.Sleep(1500);");
        var completion = Request(_k, "definedWhileRu", null);
        // The shell serves one request at a time: the cell's reply comes first (Reply skips the rest).
        Assert.Equal("ok", _k.Reply(_k.Shell, cell).Content["status"]!.GetValue<string>());
        var reply = _k.TryReply(_k.Shell, completion, TimeSpan.FromSeconds(30));
        Assert.NotNull(reply);
        var c = Read(reply);
        Assert.Contains("definedWhileRunning", c.Matches);
        Assert.Equal((0, "definedWhileRu".Length), (c.Start, c.End));
    }

    [Fact]
    public void With_Roslyn_turned_off_the_basic_completer_answers()
    {
        var dir = Directory.CreateTempSubdirectory("musiclm-kernel-completion-").FullName;
        try
        {
            using var k = new KernelProcess(dir, new Dictionary<string, string> { ["MUSICLM_KERNEL_COMPLETION"] = "basic" });
            Assert.Null(k.Eval("var basicValue = 1;"));
            var c = Read(k.Reply(k.Shell, Request(k, "basicVa", null)));
            Assert.Equal("basic", c.Completer);
            Assert.Equal(["basicValue"], c.Matches);
            c = Read(k.Reply(k.Shell, Request(k, "\"😀\".Len", null)));
            Assert.Equal(["Length"], c.Matches);
            Assert.Equal((4, 7), (c.Start, c.End));
        }
        finally
        {
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }
}
