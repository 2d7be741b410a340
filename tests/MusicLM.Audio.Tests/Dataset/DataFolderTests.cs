using MusicLM.Audio.Dataset;

namespace MusicLM.Audio.Tests.Dataset;

public class DataFolderTests
{
    [Fact]
    public void The_environment_variable_wins_and_is_created()
    {
        var tmp = Path.Combine(Path.GetTempPath(), $"mdata-{Guid.NewGuid():N}");
        try
        {
            Assert.Equal(tmp, DataFolder.Resolve(tmp, "/"));
            Assert.True(Directory.Exists(tmp));
        }
        finally { Directory.Delete(tmp, true); }
    }

    [Fact]
    public void Without_it_the_folder_is_dot_musiclm_in_the_enclosing_repository()
    {
        var repo = Directory.CreateTempSubdirectory("mrepo-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(repo, "MusicLMNotebooks.sln"), "");
            var notebooks = Directory.CreateDirectory(Path.Combine(repo, "notebooks")).FullName;
            Assert.Equal(Path.Combine(repo, ".musiclm"), DataFolder.Resolve(null, notebooks));
        }
        finally { Directory.Delete(repo, true); }
    }

    [Theory]
    [InlineData("")]
    [InlineData("..")]
    [InlineData("a/b")]
    public void Bad_stage_names_are_rejected(string name)
    {
        Assert.Throws<ArgumentException>(() => DataFolder.For(name));
    }
}
