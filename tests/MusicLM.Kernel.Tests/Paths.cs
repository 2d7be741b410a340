namespace MusicLM.Kernel.Tests;

/// <summary>Where the repository and the built kernel are, found from the test assembly's folder.</summary>
public static class Paths
{
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>bin/&lt;Configuration&gt;/net10.0 of the tests → the same configuration of the kernel.</summary>
    public static string Configuration { get; } =
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    public static string KernelDll { get; } =
        Path.Combine(RepositoryRoot, "lib", "MusicLM.Kernel", "bin", Configuration, "net10.0", "musiclm-kernel.dll");

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "MusicLMNotebooks.sln"))) return d.FullName;
        throw new DirectoryNotFoundException("MusicLMNotebooks.sln not found above " + AppContext.BaseDirectory);
    }
}
