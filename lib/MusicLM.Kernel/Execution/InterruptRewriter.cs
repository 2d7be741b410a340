using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace MusicLM.Kernel.Execution;

/// <summary>
/// Inserts <c>global::MusicLM.Kernel.Execution.CellInterrupt.Check();</c> at the start of every
/// loop body and after statements that await, and <c>…CellInterrupt.Enter();</c> (interrupt and
/// stack check) at the start of every method, local function, constructor, operator, accessor and
/// block lambda; expression-bodied members get a block body for it. Insertions never add a line
/// break (line numbers in stack traces stay those of the cell); compile errors are reported from
/// the original text, so their columns are right too.
/// </summary>
internal sealed class InterruptRewriter : CSharpSyntaxRewriter
{
    private static StatementSyntax CheckStatement() =>
        SyntaxFactory.ParseStatement("global::MusicLM.Kernel.Execution.CellInterrupt.Check();");

    private static StatementSyntax EnterStatement() =>
        SyntaxFactory.ParseStatement("global::MusicLM.Kernel.Execution.CellInterrupt.Enter();");

    public static string Rewrite(string code, CSharpParseOptions options) =>
        Rewrite(CSharpSyntaxTree.ParseText(code, options));

    public static string Rewrite(SyntaxTree tree) => new InterruptRewriter().Visit(tree.GetRoot()).ToFullString();

    private static BlockSyntax Prepend(BlockSyntax block, StatementSyntax first)
    {
        var open = block.OpenBraceToken;
        var check = first.WithTrailingTrivia(open.TrailingTrivia);
        return block.WithOpenBraceToken(open.WithTrailingTrivia())
            .WithStatements(block.Statements.Insert(0, check));
    }

    private static BlockSyntax Prepend(BlockSyntax block) => Prepend(block, CheckStatement());

    private static BlockSyntax PrependEnter(BlockSyntax block) => Prepend(block, EnterStatement());

    /// <summary>
    /// `=> expr;` as `{Enter(); return expr; }` (or `expr;` when nothing is returned), on the same
    /// lines: the brace takes the arrow's place and the semicolon's line end moves after the brace.
    /// </summary>
    private static BlockSyntax BlockFor(ArrowExpressionClauseSyntax arrow, SyntaxToken semicolon, bool returnsValue)
    {
        var arrowToken = arrow.ArrowToken;
        var open = SyntaxFactory.Token(SyntaxKind.OpenBraceToken)
            .WithLeadingTrivia(arrowToken.LeadingTrivia).WithTrailingTrivia(arrowToken.TrailingTrivia);
        var enter = EnterStatement().WithTrailingTrivia(SyntaxFactory.Space);
        var end = SyntaxFactory.Token(SyntaxKind.SemicolonToken);
        StatementSyntax body = arrow.Expression switch
        {
            ThrowExpressionSyntax t => SyntaxFactory.ThrowStatement(
                SyntaxFactory.Token(SyntaxKind.ThrowKeyword).WithTriviaFrom(t.ThrowKeyword), t.Expression, end),
            var e when returnsValue => SyntaxFactory.ReturnStatement(
                SyntaxFactory.Token(SyntaxKind.ReturnKeyword).WithTrailingTrivia(SyntaxFactory.Space), e, end),
            var e => SyntaxFactory.ExpressionStatement(e, end),
        };
        var close = SyntaxFactory.Token(SyntaxKind.CloseBraceToken)
            .WithLeadingTrivia(semicolon.LeadingTrivia.Add(SyntaxFactory.Space)).WithTrailingTrivia(semicolon.TrailingTrivia);
        return SyntaxFactory.Block(open, SyntaxFactory.List([enter, body]), close);
    }

    /// <summary>Whether `=> expr` of a member with this return type hands back a value.</summary>
    private static bool ReturnsValue(TypeSyntax returnType, SyntaxTokenList modifiers)
    {
        if (returnType is PredefinedTypeSyntax p && p.Keyword.IsKind(SyntaxKind.VoidKeyword)) return false;
        if (!modifiers.Any(SyntaxKind.AsyncKeyword)) return true;
        // `async Task F() => await G();`: the body returns nothing; Task<T> and ValueTask<T> do.
        var name = returnType switch
        {
            QualifiedNameSyntax q => q.Right,
            AliasQualifiedNameSyntax a => a.Name,
            _ => returnType,
        };
        return !(name is IdentifierNameSyntax { Identifier.ValueText: "Task" or "ValueTask" });
    }

    private static StatementSyntax Guard(StatementSyntax body)
    {
        if (body is BlockSyntax b) return Prepend(b);
        // `while (c) x++;` → `while (c) {Check(); x++;}` with the line end kept after the brace.
        var trailing = body.GetTrailingTrivia();
        return SyntaxFactory.Block(CheckStatement(), body.WithoutTrailingTrivia())
            .WithCloseBraceToken(SyntaxFactory.Token(SyntaxKind.CloseBraceToken).WithTrailingTrivia(trailing));
    }

    private static bool Awaits(SyntaxNode statement) =>
        statement is ExpressionStatementSyntax or LocalDeclarationStatementSyntax &&
        statement.DescendantNodes(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
            .OfType<AwaitExpressionSyntax>().Any();

    private static SyntaxList<StatementSyntax> CheckAfterAwaits(SyntaxList<StatementSyntax> statements)
    {
        var result = new List<StatementSyntax>();
        foreach (var s in statements)
        {
            if (Awaits(s))
            {
                result.Add(s.WithoutTrailingTrivia());
                result.Add(CheckStatement().WithLeadingTrivia(SyntaxFactory.Space).WithTrailingTrivia(s.GetTrailingTrivia()));
            }
            else result.Add(s);
        }
        return SyntaxFactory.List(result);
    }

    public override SyntaxNode? VisitBlock(BlockSyntax node)
    {
        var b = (BlockSyntax)base.VisitBlock(node)!;
        return b.WithStatements(CheckAfterAwaits(b.Statements));
    }

    public override SyntaxNode? VisitCompilationUnit(CompilationUnitSyntax node)
    {
        var unit = (CompilationUnitSyntax)base.VisitCompilationUnit(node)!;
        var members = new List<MemberDeclarationSyntax>();
        foreach (var m in unit.Members)
        {
            if (m is GlobalStatementSyntax g && Awaits(g.Statement) &&
                g.Statement.GetLastToken().IsKind(SyntaxKind.SemicolonToken) && !g.Statement.GetLastToken().IsMissing)
            {
                members.Add(g.WithoutTrailingTrivia());
                members.Add(SyntaxFactory.GlobalStatement(
                    CheckStatement().WithLeadingTrivia(SyntaxFactory.Space).WithTrailingTrivia(g.GetTrailingTrivia())));
            }
            else members.Add(m);
        }
        return unit.WithMembers(SyntaxFactory.List(members));
    }

    public override SyntaxNode? VisitWhileStatement(WhileStatementSyntax node)
    {
        var n = (WhileStatementSyntax)base.VisitWhileStatement(node)!;
        return n.WithStatement(Guard(n.Statement));
    }

    public override SyntaxNode? VisitDoStatement(DoStatementSyntax node)
    {
        var n = (DoStatementSyntax)base.VisitDoStatement(node)!;
        return n.WithStatement(Guard(n.Statement));
    }

    public override SyntaxNode? VisitForStatement(ForStatementSyntax node)
    {
        var n = (ForStatementSyntax)base.VisitForStatement(node)!;
        return n.WithStatement(Guard(n.Statement));
    }

    public override SyntaxNode? VisitForEachStatement(ForEachStatementSyntax node)
    {
        var n = (ForEachStatementSyntax)base.VisitForEachStatement(node)!;
        return n.WithStatement(Guard(n.Statement));
    }

    public override SyntaxNode? VisitForEachVariableStatement(ForEachVariableStatementSyntax node)
    {
        var n = (ForEachVariableStatementSyntax)base.VisitForEachVariableStatement(node)!;
        return n.WithStatement(Guard(n.Statement));
    }

    public override SyntaxNode? VisitMethodDeclaration(MethodDeclarationSyntax node)
    {
        var n = (MethodDeclarationSyntax)base.VisitMethodDeclaration(node)!;
        if (n.Body is not null) return n.WithBody(PrependEnter(n.Body));
        if (n.ExpressionBody is null) return n; // abstract, extern, partial
        return n.WithExpressionBody(null).WithSemicolonToken(default)
            .WithBody(BlockFor(n.ExpressionBody, n.SemicolonToken, ReturnsValue(n.ReturnType, n.Modifiers)));
    }

    public override SyntaxNode? VisitLocalFunctionStatement(LocalFunctionStatementSyntax node)
    {
        var n = (LocalFunctionStatementSyntax)base.VisitLocalFunctionStatement(node)!;
        if (n.Body is not null) return n.WithBody(PrependEnter(n.Body));
        if (n.ExpressionBody is null) return n; // extern
        return n.WithExpressionBody(null).WithSemicolonToken(default)
            .WithBody(BlockFor(n.ExpressionBody, n.SemicolonToken, ReturnsValue(n.ReturnType, n.Modifiers)));
    }

    public override SyntaxNode? VisitConstructorDeclaration(ConstructorDeclarationSyntax node)
    {
        var n = (ConstructorDeclarationSyntax)base.VisitConstructorDeclaration(node)!;
        if (n.Body is not null) return n.WithBody(PrependEnter(n.Body));
        if (n.ExpressionBody is null) return n;
        return n.WithExpressionBody(null).WithSemicolonToken(default).WithBody(BlockFor(n.ExpressionBody, n.SemicolonToken, false));
    }

    public override SyntaxNode? VisitOperatorDeclaration(OperatorDeclarationSyntax node)
    {
        var n = (OperatorDeclarationSyntax)base.VisitOperatorDeclaration(node)!;
        if (n.Body is not null) return n.WithBody(PrependEnter(n.Body));
        if (n.ExpressionBody is null) return n;
        return n.WithExpressionBody(null).WithSemicolonToken(default)
            .WithBody(BlockFor(n.ExpressionBody, n.SemicolonToken, ReturnsValue(n.ReturnType, n.Modifiers)));
    }

    public override SyntaxNode? VisitConversionOperatorDeclaration(ConversionOperatorDeclarationSyntax node)
    {
        var n = (ConversionOperatorDeclarationSyntax)base.VisitConversionOperatorDeclaration(node)!;
        if (n.Body is not null) return n.WithBody(PrependEnter(n.Body));
        if (n.ExpressionBody is null) return n;
        return n.WithExpressionBody(null).WithSemicolonToken(default).WithBody(BlockFor(n.ExpressionBody, n.SemicolonToken, true));
    }

    public override SyntaxNode? VisitAccessorDeclaration(AccessorDeclarationSyntax node)
    {
        var n = (AccessorDeclarationSyntax)base.VisitAccessorDeclaration(node)!;
        if (n.Body is not null) return n.WithBody(PrependEnter(n.Body));
        if (n.ExpressionBody is null) return n; // auto-property accessor
        return n.WithExpressionBody(null).WithSemicolonToken(default)
            .WithBody(BlockFor(n.ExpressionBody, n.SemicolonToken, n.IsKind(SyntaxKind.GetAccessorDeclaration)));
    }

    public override SyntaxNode? VisitPropertyDeclaration(PropertyDeclarationSyntax node)
    {
        // `int X => X;` is the classic endless recursion: as `int X { get {Enter(); return X; } }`.
        var n = (PropertyDeclarationSyntax)base.VisitPropertyDeclaration(node)!;
        if (n.ExpressionBody is null) return n;
        return n.WithExpressionBody(null).WithSemicolonToken(default).WithAccessorList(GetterFor(n.ExpressionBody, n.SemicolonToken));
    }

    public override SyntaxNode? VisitIndexerDeclaration(IndexerDeclarationSyntax node)
    {
        var n = (IndexerDeclarationSyntax)base.VisitIndexerDeclaration(node)!;
        if (n.ExpressionBody is null) return n;
        return n.WithExpressionBody(null).WithSemicolonToken(default).WithAccessorList(GetterFor(n.ExpressionBody, n.SemicolonToken));
    }

    private static AccessorListSyntax GetterFor(ArrowExpressionClauseSyntax arrow, SyntaxToken semicolon)
    {
        var body = BlockFor(arrow, semicolon, true);
        var getter = SyntaxFactory.AccessorDeclaration(SyntaxKind.GetAccessorDeclaration,
            body.WithOpenBraceToken(body.OpenBraceToken.WithLeadingTrivia(SyntaxFactory.Space)).WithCloseBraceToken(body.CloseBraceToken.WithTrailingTrivia()))
            .WithKeyword(SyntaxFactory.Token(SyntaxKind.GetKeyword));
        return SyntaxFactory.AccessorList(
            SyntaxFactory.Token(SyntaxKind.OpenBraceToken).WithLeadingTrivia(arrow.ArrowToken.LeadingTrivia).WithTrailingTrivia(SyntaxFactory.Space),
            SyntaxFactory.SingletonList(getter),
            SyntaxFactory.Token(SyntaxKind.CloseBraceToken).WithLeadingTrivia(SyntaxFactory.Space).WithTrailingTrivia(semicolon.TrailingTrivia));
    }

    public override SyntaxNode? VisitParenthesizedLambdaExpression(ParenthesizedLambdaExpressionSyntax node)
    {
        // Expression lambdas stay as they are: their body may be an expression tree, and whether
        // they return a value depends on the delegate type they are converted to.
        var n = (ParenthesizedLambdaExpressionSyntax)base.VisitParenthesizedLambdaExpression(node)!;
        return n.Block is null ? n : n.WithBlock(PrependEnter(n.Block));
    }

    public override SyntaxNode? VisitSimpleLambdaExpression(SimpleLambdaExpressionSyntax node)
    {
        var n = (SimpleLambdaExpressionSyntax)base.VisitSimpleLambdaExpression(node)!;
        return n.Block is null ? n : n.WithBlock(PrependEnter(n.Block));
    }

    public override SyntaxNode? VisitAnonymousMethodExpression(AnonymousMethodExpressionSyntax node)
    {
        var n = (AnonymousMethodExpressionSyntax)base.VisitAnonymousMethodExpression(node)!;
        return n.WithBlock(PrependEnter(n.Block));
    }
}
