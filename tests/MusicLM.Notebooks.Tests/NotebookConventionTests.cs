using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MusicLM.Notebooks.Tests;

/// <summary>The notebook conventions of notebooks/README.md, checked on every notebook in notebooks/.</summary>
public class NotebookConventionTests
{
    private static JsonObject Load(string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(NotebookFiles.NotebookDir, name)))!.AsObject();

    private static string Source(JsonNode? cell) => cell?["source"] switch
    {
        JsonArray lines => string.Concat(lines.Select(l => l!.GetValue<string>())),
        JsonValue v => v.GetValue<string>(),
        _ => "",
    };

    [Fact]
    public void The_course_has_notebooks()
    {
        Assert.NotEmpty(NotebookFiles.All());
    }

    [Theory]
    [MemberData(nameof(NotebookFiles.All), MemberType = typeof(NotebookFiles))]
    public void Notebook_is_nbformat_4_5_with_cell_ids_and_the_course_kernel(string name)
    {
        var nb = Load(name);
        Assert.Equal(4, (int)nb["nbformat"]!);
        Assert.True((int)nb["nbformat_minor"]! >= 5, "nbformat_minor must be at least 5 (cell ids)");
        var spec = nb["metadata"]!["kernelspec"]!;
        Assert.Equal("musiclm-csharp", (string)spec["name"]!);
        Assert.Contains((string)nb["metadata"]!["language_info"]!["name"]!, new[] { "csharp", "C#" });
        var ids = nb["cells"]!.AsArray().Select(c => (string?)c!["id"]).ToList();
        Assert.All(ids, id => Assert.False(string.IsNullOrEmpty(id)));
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(NotebookFiles.All), MemberType = typeof(NotebookFiles))]
    public void Notebook_is_committed_without_outputs(string name)
    {
        foreach (var cell in Load(name)["cells"]!.AsArray().Where(c => (string)c!["cell_type"]! == "code"))
        {
            Assert.Empty(cell!["outputs"]!.AsArray());
            Assert.Null(cell["execution_count"]?.GetValue<int?>());
        }
    }

    [Theory]
    [MemberData(nameof(NotebookFiles.All), MemberType = typeof(NotebookFiles))]
    public void Notebook_opens_with_goals_and_times_and_ends_with_a_summary(string name)
    {
        var cells = Load(name)["cells"]!.AsArray();
        var first = cells[0]!;
        Assert.Equal("markdown", (string)first["cell_type"]!);
        var intro = Source(first);
        Assert.Matches(new Regex(@"^# ", RegexOptions.Multiline), intro);
        Assert.Matches(new Regex(@"workshop\s+mode", RegexOptions.IgnoreCase), intro);
        Assert.Matches(new Regex(@"quick\s+mode", RegexOptions.IgnoreCase), intro);
        Assert.Matches(new Regex(@"\d+\s*(min|minutes|s|seconds)", RegexOptions.IgnoreCase), intro);
        var last = cells[^1]!;
        Assert.Equal("markdown", (string)last["cell_type"]!);
        Assert.Matches(new Regex(@"summary|things to try", RegexOptions.IgnoreCase), Source(last));
    }

    [Theory]
    [MemberData(nameof(NotebookFiles.All), MemberType = typeof(NotebookFiles))]
    public void Notebook_has_a_parameters_cell_reading_MUSICLM_QUICK_near_the_top(string name)
    {
        var code = Load(name)["cells"]!.AsArray().Where(c => (string)c!["cell_type"]! == "code").Take(3).Select(Source);
        Assert.Contains(code, s => s.Contains("MUSICLM_QUICK"));
    }

    /// <summary>Longer code lines were clipped at the cell's edge in the browser at 1,280 px; 90 leaves a margin.</summary>
    private const int MaxCodeLine = 90;

    [Theory]
    [MemberData(nameof(NotebookFiles.All), MemberType = typeof(NotebookFiles))]
    public void Notebook_code_lines_fit_the_cell_width(string name)
    {
        var cells = Load(name)["cells"]!.AsArray();
        var tooLong = cells
            .Select((c, i) => (Cell: i, Kind: (string)c!["cell_type"]!, Lines: Source(c).Split('\n')))
            .Where(c => c.Kind == "code")
            .SelectMany(c => c.Lines.Where(l => new System.Globalization.StringInfo(l).LengthInTextElements > MaxCodeLine)
                                    .Select(l => $"cell {c.Cell}: {l}"))
            .ToList();
        Assert.True(tooLong.Count == 0, $"code lines over {MaxCodeLine} characters:\n" + string.Join("\n", tooLong));
    }

    [Theory]
    [MemberData(nameof(NotebookFiles.All), MemberType = typeof(NotebookFiles))]
    public void Notebook_refers_to_no_folder_outside_the_repository(string name)
    {
        // notebooks/ is one level down, so "../" is the repository and "../../" is beside it.
        var outside = new Regex(@"\.\./\.\./|(^|[\s""'(])/work/|\bshared/(DESIGN|STYLE|bench)");
        var cells = Load(name)["cells"]!.AsArray();
        var hits = cells.Select((c, i) => (Cell: i, Text: Source(c)))
            .SelectMany(c => c.Text.Split('\n').Where(l => outside.IsMatch(l)).Select(l => $"cell {c.Cell}: {l}"))
            .ToList();
        Assert.True(hits.Count == 0, "references outside the repository:\n" + string.Join("\n", hits));
    }

    [Theory]
    [MemberData(nameof(NotebookFiles.All), MemberType = typeof(NotebookFiles))]
    public void Notebook_reports_progress_inline_not_through_the_thread_pool(string name)
    {
        // new Progress<T>(h) runs h on pool threads, several at once and after the call returns; a live
        // curve updated that way once took the kernel down in CI. Progress.Inline runs h in the cell.
        var cells = Load(name)["cells"]!.AsArray();
        var hits = cells.Select((c, i) => (Cell: i, Kind: (string)c!["cell_type"]!, Text: Source(c)))
            .Where(c => c.Kind == "code")
            .SelectMany(c => c.Text.Split('\n').Where(l => l.Contains("new Progress<")).Select(l => $"cell {c.Cell}: {l}"))
            .ToList();
        Assert.True(hits.Count == 0, "use Progress.Inline:\n" + string.Join("\n", hits));
    }
}
