using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;
using System.Security;
using System.Text.Json.Nodes;

namespace MusicLM.Kernel.Execution;

/// <summary>
/// <c>#r "nuget: Name, Version"</c>: restores the package (and its dependencies) through the package
/// sources configured on this machine by running <c>dotnet restore</c> on a throw-away project, then
/// reads the runtime assemblies from its project.assets.json.
/// </summary>
/// <remarks>
/// Roslyn binds one <c>#r</c> to one assembly (more throw NotSupportedException in its reference
/// manager), so a directive stands for the package's own assembly and the dependencies are found when
/// the compiler asks for them by name (<see cref="Dependency"/>). At run time the process loads the same
/// files: one version of each assembly for all packages, the highest any restore brought.
/// </remarks>
internal sealed class NuGetRestorer
{
    private readonly Dictionary<string, IReadOnlyList<string>> _cache = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _primary = new(StringComparer.OrdinalIgnoreCase);

    // Every restored assembly by simple name, the highest version when restores disagree (FSharp.Core
    // 5.0.0 for Giraffe.ViewEngine, 10.1.403 for Plotly.NET): .NET runs a request for a lower version
    // on a higher one, not the other way round.
    private readonly Dictionary<string, (string Path, (Version Assembly, Version File) Version)> _byName = new(StringComparer.OrdinalIgnoreCase);

    public NuGetRestorer()
    {
        // After the load contexts' own probing found nothing: a strong-named request for another version
        // than the one restored (Giraffe.ViewEngine asks for FSharp.Core 5.0.0.0, the cell was compiled
        // against 10.1.0.0).
        AppDomain.CurrentDomain.AssemblyResolve += (_, e) => LoadDependency(new AssemblyName(e.Name), e.RequestingAssembly);
    }

    /// <summary>One copy of each dependency in the process, so that types agree between a cell and its packages.</summary>
    private Assembly? LoadDependency(AssemblyName name, Assembly? requesting)
    {
        if (name.Name is null || Dependency(name.Name) is not { } path) return null;
        var loaded = AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => string.Equals(a.GetName().Name, name.Name, StringComparison.OrdinalIgnoreCase))
            .MaxBy(a => a.GetName().Version);
        if (loaded is not null && (name.Version is null || loaded.GetName().Version >= name.Version)) return loaded;
        var restored = AssemblyName.GetAssemblyName(path);
        // Roslyn's loader holds the version the cells were compiled against; asking the requester's context
        // for exactly that version gets its copy rather than a second one.
        if (restored.Version != name.Version && requesting is not null &&
            AssemblyLoadContext.GetLoadContext(requesting) is { } context && context != AssemblyLoadContext.Default)
        {
            try
            {
                return context.LoadFromAssemblyName(restored);
            }
            catch (Exception e) when (e is FileNotFoundException or FileLoadException)
            {
                // not one of the cells' references: loaded below
            }
        }
        return AssemblyLoadContext.Default.LoadFromAssemblyPath(path);
    }

    /// <summary>Parses "nuget: Name, Version" (version optional); null when it is not a nuget reference.</summary>
    public static (string Name, string? Version)? Parse(string reference)
    {
        if (!reference.StartsWith("nuget:", StringComparison.OrdinalIgnoreCase)) return null;
        var parts = reference["nuget:".Length..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) return null;
        return (parts[0], parts.Length > 1 ? parts[1] : null);
    }

    public bool TryGetCached(string reference, out IReadOnlyList<string> assemblies)
    {
        lock (_byName) return _cache.TryGetValue(Key(reference), out assemblies!);
    }

    /// <summary>
    /// The one assembly a restored <c>#r "nuget: …"</c> binds to: the package's own (the first when it has
    /// several); for a package without one (a meta-package), its first dependency's. Null when not restored
    /// or nothing was restored.
    /// </summary>
    public string? PrimaryAssembly(string reference)
    {
        lock (_byName) return _primary.GetValueOrDefault(Key(reference));
    }

    /// <summary>The restored assembly of that simple name (a dependency the compiler is missing); null when none.</summary>
    public string? Dependency(string assemblyName)
    {
        // Completion compiles on its own thread while a cell may be restoring.
        lock (_byName) return _byName.TryGetValue(assemblyName, out var found) ? found.Path : null;
    }

    /// <summary>The runtime assembly paths of the package and its dependencies; throws with dotnet's output on failure.</summary>
    public IReadOnlyList<string> Restore(string reference, CancellationToken token)
    {
        var key = Key(reference);
        if (TryGetCached(reference, out var cached)) return cached;
        var (name, version) = Parse(reference) ?? throw new ArgumentException($"not a nuget reference: {reference}");

        var dir = Path.Combine(Path.GetTempPath(), "musiclm-kernel-nuget", $"{name}-{version ?? "latest"}".ToLowerInvariant());
        Directory.CreateDirectory(dir);
        var tfm = $"net{Environment.Version.Major}.{Environment.Version.Minor}";
        File.WriteAllText(Path.Combine(dir, "restore.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>{tfm}</TargetFramework>
                <EnableDefaultItems>false</EnableDefaultItems>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="{SecurityElement.Escape(name)}" Version="{SecurityElement.Escape(version ?? "*")}" />
              </ItemGroup>
            </Project>
            """);

        var psi = new ProcessStartInfo("dotnet", ["restore", "--nologo", "-v:q"])
        {
            WorkingDirectory = dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        Process p;
        try
        {
            p = Process.Start(psi) ?? throw new InvalidOperationException("could not start dotnet");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"#r \"{reference}\": the dotnet SDK is needed to restore NuGet packages ({e.Message})");
        }
        using (p)
        {
            var stdout = p.StandardOutput.ReadToEndAsync(token);
            var stderr = p.StandardError.ReadToEndAsync(token);
            try
            {
                p.WaitForExitAsync(token).Wait(token);
            }
            catch (OperationCanceledException)
            {
                try { p.Kill(true); } catch (InvalidOperationException) { }
                throw;
            }
            if (p.ExitCode != 0)
                throw new InvalidOperationException(
                    $"#r \"{reference}\": dotnet restore failed (exit {p.ExitCode}); is the package available from this machine's NuGet sources?\n{stdout.Result}{stderr.Result}".TrimEnd());
        }

        var assets = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "obj", "project.assets.json")))!;
        var packageFolder = assets["packageFolders"]!.AsObject().First().Key;
        var libraries = assets["libraries"]!.AsObject();
        var target = assets["targets"]!.AsObject().First(t => !t.Key.Contains('/')).Value!.AsObject();
        var paths = new List<string>();
        string? primary = null;
        foreach (var (id, entry) in target)
        {
            if (entry?["type"]?.GetValue<string>() != "package" || entry["runtime"] is not JsonObject runtime) continue;
            var libPath = libraries[id]?["path"]?.GetValue<string>() ?? id.ToLowerInvariant();
            bool own = string.Equals(id.Split('/')[0], name, StringComparison.OrdinalIgnoreCase);
            foreach (var (file, _) in runtime)
            {
                if (!file.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)) continue; // "_._" placeholders
                var path = Path.GetFullPath(Path.Combine(packageFolder, libPath, file));
                paths.Add(path);
                if (own) primary ??= path;
            }
        }
        primary ??= paths.FirstOrDefault();
        var found = paths.Select(path => (Path: path, Version: Versions(path))).ToList();
        lock (_byName)
        {
            if (primary is not null) _primary[key] = primary;
            foreach (var (path, assemblyVersion) in found)
            {
                var simpleName = Path.GetFileNameWithoutExtension(path);
                if (!_byName.TryGetValue(simpleName, out var known) || Newer(assemblyVersion, known.Version)) _byName[simpleName] = (path, assemblyVersion);
            }
            _cache[key] = paths;
        }
        return paths;
    }

    /// <summary>The assembly version, then the file version: FSharp.Core 10.1.300 and 10.1.403 are both assembly 10.1.0.0.</summary>
    private static (Version Assembly, Version File) Versions(string path)
    {
        try
        {
            var file = Version.TryParse(FileVersionInfo.GetVersionInfo(path).FileVersion?.Split(' ')[0], out var v) ? v : new Version();
            return (AssemblyName.GetAssemblyName(path).Version ?? new Version(), file);
        }
        catch (Exception e) when (e is BadImageFormatException or IOException)
        {
            return (new Version(), new Version());
        }
    }

    private static bool Newer((Version Assembly, Version File) a, (Version Assembly, Version File) b) =>
        a.Assembly > b.Assembly || a.Assembly == b.Assembly && a.File > b.File;

    private static string Key(string reference) => string.Join(",", reference.Split(',', StringSplitOptions.TrimEntries)).Replace(" ", "");
}
