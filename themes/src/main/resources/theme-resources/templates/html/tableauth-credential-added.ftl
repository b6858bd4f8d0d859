<#import "template.ftl" as layout>
<@layout.emailLayout>
${kcSanitize(msg("tableauthCredentialAddedBodyHtml", whatHtml, realmName))?no_esc}
</@layout.emailLayout>
