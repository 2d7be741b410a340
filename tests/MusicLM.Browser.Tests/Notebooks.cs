namespace MusicLM.Browser.Tests;

/// <summary>Finds the repository and its notebooks from the test's output folder.</summary>
internal static class Notebooks
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

    public static string Dir => Path.Combine(RepoRoot, "notebooks");

    /// <summary>Where screenshots go: artifacts/browser/ at the repository root (git-ignored).</summary>
    public static string ArtifactDir => Directory.CreateDirectory(Path.Combine(RepoRoot, "artifacts", "browser")).FullName;

    /// <summary>File names of every notebook in notebooks/, in course order: a new notebook is covered with no extra work.</summary>
    public static TheoryData<string> All()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Dir, "*.ipynb").OrderBy(f => f, StringComparer.Ordinal))
            if (Selected(Path.GetFileName(f))) data.Add(Path.GetFileName(f));
        return data;
    }

    /// <summary>
    /// MUSICLM_BROWSER_NOTEBOOKS="00,01" keeps the notebooks whose names start with one of the prefixes
    /// (for measuring a few by hand); unset, every notebook runs.
    /// </summary>
    public static bool Selected(string fileName)
    {
        var only = Environment.GetEnvironmentVariable("MUSICLM_BROWSER_NOTEBOOKS");
        if (string.IsNullOrWhiteSpace(only)) return true;
        return only.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Any(prefix => fileName.StartsWith(prefix, StringComparison.Ordinal));
    }
}
