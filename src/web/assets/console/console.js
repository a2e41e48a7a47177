// Placeholder of the console app (issue 18): shows who is signed in and
// puts the session's CSRF token into the sign-out form. The console UI
// replaces this file.
'use strict';
(async function () {
  const who = document.getElementById('who');
  try {
    const res = await fetch('/console/api/session', { headers: { Accept: 'application/json' } });
    if (!res.ok) {
      window.location.assign('/console/sign-in');
      return;
    }
    const body = await res.json();
    const s = body.session || body;
    who.textContent = 'Signed in as ' + s.name + ' <' + s.email + '> (' + s.role + ', ' +
        s.account_name + ')';
    document.getElementById('csrf').value = s.csrf_token;
  } catch (e) {
    who.textContent = 'The console could not load: ' + e;
  }
})();
