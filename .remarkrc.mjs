// Front-matter validation in VS Code (extension unifiedjs.vscode-remark) and on the command line
// (`npx remark --quiet binder`), with the JSON Schemas that `loseblatt schemas` generates.
// The YAML extension cannot validate front matter inside Markdown files; remark can.
import remarkFrontmatter from "remark-frontmatter";
import remarkLintFrontmatterSchema from "remark-lint-frontmatter-schema";

export default {
  plugins: [
    remarkFrontmatter,
    [
      remarkLintFrontmatterSchema,
      {
        schemas: {
          "./schemas/blatt.schema.json": ["binder/[0-9][0-9]-*/!(register).md"],
          "./schemas/registerblatt.schema.json": ["binder/[0-9][0-9]-*/register.md"],
          "./schemas/landesblatt.schema.json": ["binder/laender/**/*.md"],
        },
      },
    ],
  ],
};
