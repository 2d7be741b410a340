namespace MusicLM.Audio.Dataset;

/// <summary>
/// Where data, checkpoints and caches live: one folder outside notebooks/ so a student can reset a
/// stage by deleting one subfolder (notebooks/README.md, conventions). <c>$MUSICLM_DATA</c>
/// when set; otherwise <c>.musiclm/</c> in the repository that contains the working directory (found
/// by its MusicLMNotebooks.sln); otherwise <c>~/.musiclm</c>.
/// </summary>
public static class DataFolder
{
    public const string EnvironmentVariable = "MUSICLM_DATA";

    /// <summary>The root folder (created if missing).</summary>
    public static string Root => Resolve(Environment.GetEnvironmentVariable(EnvironmentVariable), Directory.GetCurrentDirectory());

    /// <summary>A subfolder of <see cref="Root"/> for one stage or dataset, e.g. <c>For("synthetic-16k")</c> (created if missing).</summary>
    public static string For(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || name is "." or "..")
            throw new ArgumentException($"'{name}' is not a valid folder name", nameof(name));
        var dir = Path.Combine(Root, name);
        Directory.CreateDirectory(dir);
        return dir;
    }

    internal static string Resolve(string? fromEnvironment, string workingDirectory)
    {
        string root;
        if (!string.IsNullOrWhiteSpace(fromEnvironment)) root = Path.GetFullPath(fromEnvironment);
        else
        {
            var dir = new DirectoryInfo(workingDirectory);
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, "MusicLMNotebooks.sln"))) dir = dir.Parent;
            root = dir != null
                ? Path.Combine(dir.FullName, ".musiclm")
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".musiclm");
        }
        Directory.CreateDirectory(root);
        return root;
    }
}
