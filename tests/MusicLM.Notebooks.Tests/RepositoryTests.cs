using System.Text.RegularExpressions;

namespace MusicLM.Notebooks.Tests;

/// <summary>
/// A fresh clone has nothing beside it: no link, command or comment in the repository may point at a
/// folder next to the checkout (the design card and benchmark spec once lived in ../shared).
/// </summary>
public class RepositoryTests
{
    private static readonly string[] Skipped = { ".git", "bin", "obj", "node_modules", "artifacts", ".musiclm" };
    private static readonly string[] TextFiles = { ".md", ".cs", ".py", ".sh", ".ipynb", ".json", ".csproj", ".props", ".txt", ".cpp", ".h", ".js", ".yml", ".yaml", ".sln" };

    // Built from parts so this file does not match itself.
    private static readonly Regex Beside = new(Regex.Escape("../" + "shared/") + "|" + Regex.Escape("/work/" + "shared"));

    private static IEnumerable<string> Files(string dir)
    {
        foreach (var f in Directory.EnumerateFiles(dir))
        {
            var ext = Path.GetExtension(f);
            // Scripts without an extension: environment/start, environment/test, .ci/run, bin/musiclm …
            if (TextFiles.Contains(ext) || (ext == "" && new FileInfo(f).Length < 100_000)) yield return f;
        }
        foreach (var d in Directory.EnumerateDirectories(dir).Where(d => !Skipped.Contains(Path.GetFileName(d))))
            foreach (var f in Files(d)) yield return f;
    }

    [Fact]
    public void No_file_in_the_repository_points_at_a_folder_beside_it()
    {
        var root = NotebookFiles.RepoRoot;
        var hits = Files(root)
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: Path.GetRelativePath(root, f), Line: i + 1, Text: line)))
            .Where(l => Beside.IsMatch(l.Text))
            .Select(l => $"{l.File}:{l.Line}: {l.Text.Trim()}")
            .ToList();
        Assert.True(hits.Count == 0, "references to a folder beside the repository:\n" + string.Join("\n", hits));
    }

    [Fact]
    public void The_check_finds_a_reference_beside_the_repository()
    {
        // The pattern must catch the form the README used, or the test above proves nothing.
        Assert.Matches(Beside, "See [DESIGN](../" + "shared/DESIGN.md) for the architecture");
        Assert.DoesNotMatch(Beside, "<dotnet>/shared/Microsoft.NETCore.App/10.0.0/");
    }
}
