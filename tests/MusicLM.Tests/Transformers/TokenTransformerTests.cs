using MusicLM.Torch;
using MusicLM.Torch.nn;
using MusicLM.Torch.optim;
using MusicLM.Torch.Serialization;
using MusicLM.Transformers;
using F = MusicLM.Torch.nn.functional;

namespace MusicLM.Tests.Transformers;

public class TokenTransformerTests
{
    private static TokenTransformer Tiny(int vocab = 40, int maxLength = 64, int? context = null, ulong seed = 1)
    {
        torch.manual_seed(seed);
        var m = new TokenTransformer(TransformerConfig.Tiny(vocab, maxLength) with { ContextWidth = context });
        m.eval();
        return m;
    }

    private static Tensor Positions(params long[] p) => torch.tensor(p);

    [Fact]
    public void Cached_decoding_equals_full_recomputation()
    {
        using var model = Tiny(context: 12);
        torch.manual_seed(5);
        using var tokens = torch.randint(0, 40, new[] { 3L, 20 });
        // Layout-style positions: repeated and skipping, as time-aligned streams give them.
        var pos = Enumerable.Range(0, 20).Select(i => i < 6 ? (long)i : 6 + (i - 6) / 2).ToArray();
        using var context = torch.randn(3, 5, 12);
        using var mask = torch.tensor(new[] { false, false, false, true, true, false, false, false, false, false, false, false, false, false, true }, 3, 5);
        using var _ = torch.no_grad();
        using var full = model.forward(tokens, Positions(pos), context: context, contextMask: mask);   // (3, 20, V)

        using var cache = model.NewCache();
        var steps = new List<Tensor>();
        steps.Add(model.forward(tokens.narrow(1, 0, 8), Positions(pos[..8]), cache, context, mask));   // prefill
        for (var t = 8; t < 20; t++)
            steps.Add(model.forward(tokens.narrow(1, t, 1), Positions(pos[t]), cache, contextMask: mask));
        using var incremental = torch.cat(steps, 1);
        Assert.Equal(20, cache.Length);
        var diff = (full - incremental).abs().max().item();
        Assert.True(diff < 1e-4, $"cached and full logits differ by {diff}");
    }

    [Fact]
    public void A_position_never_sees_later_tokens()
    {
        using var model = Tiny();
        using var _ = torch.no_grad();
        using var a = torch.tensor(new long[] { 1, 2, 3, 4, 5, 6, 7, 8 }, 1, 8);
        using var b = torch.tensor(new long[] { 1, 2, 3, 4, 9, 9, 9, 9 }, 1, 8);
        var pos = Positions(0, 1, 2, 3, 4, 5, 6, 7);
        using var la = model.forward(a, pos);
        using var lb = model.forward(b, pos);
        Assert.True((la.narrow(1, 0, 4) - lb.narrow(1, 0, 4)).abs().max().item() < 1e-5, "positions 0-3 changed when only later tokens did");
        Assert.True((la.narrow(1, 4, 4) - lb.narrow(1, 4, 4)).abs().max().item() > 1e-3, "later positions did not react to their own tokens");
    }

    [Fact]
    public void Rotary_positions_are_relative_shifting_every_position_changes_nothing()
    {
        using var model = Tiny();
        using var _ = torch.no_grad();
        using var x = torch.tensor(new long[] { 5, 1, 7, 7, 2, 30 }, 1, 6);
        using var l0 = model.forward(x, Positions(0, 1, 2, 2, 3, 4));
        using var l1 = model.forward(x, Positions(17, 18, 19, 19, 20, 21));
        using var l2 = model.forward(x, Positions(0, 1, 2, 3, 4, 5));
        Assert.True((l0 - l1).abs().max().item() < 1e-4);
        Assert.True((l0 - l2).abs().max().item() > 1e-4, "positions had no effect at all");
    }

    [Fact]
    public void Attention_weights_are_causal_distributions_per_layer()
    {
        using var model = Tiny();
        using var _ = torch.no_grad();
        using var x = torch.tensor(new long[] { 3, 4, 5, 6, 7 }, 1, 5);
        var (logits, att) = model.forward_with_attention(x, Positions(0, 1, 2, 3, 4));
        using (logits)
        {
            Assert.Equal(2, att.Length);
            foreach (var w in att)
            {
                Assert.Equal(new long[] { 1, 2, 5, 5 }, w.shape);
                Assert.True((w.sum(-1) - 1).abs().max().item() < 1e-5);
                Assert.Equal(0.0, w.triu(1).abs().sum().item());
                w.Dispose();
            }
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData(24)]
    public void Parameter_count_of_the_config_is_the_models(int? context)
    {
        var config = new TransformerConfig { VocabularySize = 77, Width = 48, Layers = 3, Heads = 4, MlpRatio = 3, ContextWidth = context };
        using var model = new TokenTransformer(config);
        Assert.Equal(config.ParameterCount, model.num_parameters());
    }

    [Fact]
    public void The_MusicLM_preset_builds_with_the_papers_shape()
    {
        var config = TransformerConfig.MusicLM(vocabularySize: 1024 + 12 * 1024 + 1, maxLength: 2048);
        using var model = new TokenTransformer(config);
        Assert.Equal(24, model.h.Count);
        Assert.Equal(new long[] { 3 * 1024, 1024 }, model.h[0].attn.qkv.weight!.shape);
        Assert.Equal(config.ParameterCount, model.num_parameters());
        // 24 blocks of 12.6 M (attention 4.2 M, MLP 8.4 M) ≈ 302 M, plus the vocabulary's embedding and head.
        var blocks = model.num_parameters() - 2L * 1024 * config.VocabularySize;
        Assert.InRange(blocks, 300_000_000, 305_000_000);
    }

    [Fact]
    public void Save_then_Load_gives_identical_logits()
    {
        using var dir = new TempDir();
        using var model = Tiny(context: 8);
        var path = Path.Combine(dir.Path, "lm.safetensors");
        model.Save(path);
        using var loaded = TokenTransformer.Load(path);
        loaded.eval();
        using var _ = torch.no_grad();
        using var x = torch.tensor(new long[] { 3, 9, 27, 1 }, 1, 4);
        using var ctx = torch.randn(1, 3, 8);
        var pos = Positions(0, 1, 2, 3);
        using var a = model.forward(x, pos, context: ctx);
        using var b = loaded.forward(x, pos, context: ctx);
        Assert.Equal(0.0, (a - b).abs().max().item());
    }

    [Fact]
    public void Bad_input_gives_clear_errors()
    {
        using var model = Tiny(maxLength: 8);
        using var ok = torch.tensor(new long[] { 1, 2, 3 }, 1, 3);
        var e1 = Assert.Throws<ArgumentOutOfRangeException>(() => model.forward(torch.tensor(new long[] { 1, 40 }, 1, 2), Positions(0, 1)));
        Assert.Contains("[0, 40)", e1.Message);
        Assert.Throws<ArgumentException>(() => model.forward(ok, Positions(0, 1)));
        Assert.Throws<ArgumentException>(() => model.forward(torch.tensor(new long[] { 1, 2, 3 }), Positions(0, 1, 2)));
        Assert.Throws<ArgumentException>(() => model.forward(torch.zeros(1, 3), Positions(0, 1, 2)));
        Assert.Throws<ArgumentException>(() => model.forward(torch.zeros(new[] { 1L, 9 }, ScalarType.Int64), Positions(Enumerable.Range(0, 9).Select(i => (long)i).ToArray())));
        Assert.Throws<ArgumentException>(() => model.forward(ok, Positions(0, 1, 2), context: torch.randn(1, 2, 4)));
        using var cross = Tiny(context: 4);
        Assert.Throws<ArgumentException>(() => cross.forward(ok, Positions(0, 1, 2)));
        Assert.Throws<ArgumentException>(() => new TokenTransformer(new TransformerConfig { VocabularySize = 10, Width = 30, Heads = 4 }));
        Assert.Throws<ArgumentException>(() => new TokenTransformer(new TransformerConfig { VocabularySize = 10, Width = 12, Heads = 4 }));  // head dim 3: odd
    }

    [Fact]
    public void A_tiny_model_learns_a_deterministic_sequence_to_near_zero_loss()
    {
        // Each sequence counts up by a fixed step from a random start (mod 16): the first token says where
        // it starts, the second says the step, everything after is determined.
        torch.manual_seed(3);
        using var model = new TokenTransformer(TransformerConfig.Tiny(16, 16) with { Width = 64 });
        using var opt = new AdamW(model.parameters(), 3e-3, weight_decay: 0);
        var rng = new Random(0);
        var pos = Positions(Enumerable.Range(0, 12).Select(i => (long)i).ToArray());
        double loss = double.NaN;
        for (var step = 0; step < 300; step++)
        {
            using var scope = torch.NewDisposeScope();
            var rows = new long[32 * 12];
            for (var b = 0; b < 32; b++)
            {
                int start = rng.Next(16), stride = 1 + rng.Next(3);
                for (var t = 0; t < 12; t++) rows[b * 12 + t] = (start + stride * t) % 16;
            }
            var x = torch.tensor(rows, 32, 12);
            var logits = model.forward(x, pos);                                           // (32, 12, 16)
            var target = x.narrow(1, 2, 10).reshape(-1);                                  // determined positions
            var l = F.cross_entropy(logits.narrow(1, 1, 10).reshape(-1, 16), target);
            opt.zero_grad();
            l.backward();
            opt.step();
            loss = l.item();
        }
        Assert.True(loss < 0.05, $"loss after 300 steps: {loss}");
    }
}
