namespace MusicLM.Notebooks.Tests;

/// <summary>Finds the repository's notebooks from the test's output folder.</summary>
internal static class NotebookFiles
{
    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, "MusicLMNotebooks.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("cannot find the repository root above " + AppContext.BaseDirectory);
        }
    }

    public static string NotebookDir => Path.Combine(RepoRoot, "notebooks");

    /// <summary>File names of every notebook in notebooks/, in course order.</summary>
    public static TheoryData<string> All()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(NotebookDir, "*.ipynb").OrderBy(f => f, StringComparer.Ordinal))
            data.Add(Path.GetFileName(f));
        return data;
    }
}
